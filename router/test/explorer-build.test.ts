import { describe, expect, it } from "vitest";
import { findRemoteLoads } from "../explorer/build.ts";

describe("the explorer build's offline check", () => {
  it("flags code, styles and fonts loaded from another host", () => {
    for (const text of [
      'import("https://esm.sh/monaco-editor")',
      'import x from "https://cdn.example/x.js"',
      'importScripts("https://cdn.example/worker.js")',
      'new Worker("https://cdn.example/w.js")',
      "@font-face{src:url(https://fonts.gstatic.com/s/fira.woff2)}",
      '@import url("https://fonts.googleapis.com/css2?family=Fira")',
      '<script type="module" src="https://unpkg.com/graphiql"></script>',
      '<link rel="stylesheet" href="https://unpkg.com/graphiql/style.css">',
    ]) {
      expect(findRemoteLoads("bundle.js", text), text).not.toEqual([]);
    }
  });

  it("lets links and namespaces through: they load nothing", () => {
    expect(
      findRemoteLoads(
        "bundle.js",
        'const docs = "https://github.com/graphql/graphiql"; el.setAttribute("xmlns", "http://www.w3.org/2000/svg")',
      ),
    ).toEqual([]);
    expect(findRemoteLoads("index.html", '<script type="module" src="explorer/assets/explorer-ABC.js"></script>')).toEqual([]);
  });
});
