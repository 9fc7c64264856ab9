import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, createLogger } from "@store/service-kit";
import { loadRouterConfig } from "../../../src/config.ts";
import { createPersistedOperationsHooks, persistedQueriesOption } from "../../../src/features/persisted-operations/index.ts";
import { ManifestError, sha256, trustedDocuments } from "../../../src/features/persisted-operations/manifest.ts";
import { persistedOperationsConfigSchema } from "../../../src/features/persisted-operations/config.ts";

const body = 'query ProductPage {\n  product(sku: "SKU-00001") {\n    id\n  }\n}';
const manifest = (operations: unknown[]) => ({ format: "apollo-persisted-query-manifest", version: 1, operations });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as ManifestError).problems;
  }
  throw new Error("expected a ManifestError");
}

describe("trusted documents manifest", () => {
  it("finds operations by id, and full documents by their exact text", () => {
    const docs = trustedDocuments(manifest([{ id: sha256(body), name: "ProductPage", type: "query", body }]));
    expect(docs.byId(sha256(body))?.name).toBe("ProductPage");
    expect(docs.byId("nope")).toBeUndefined();
    expect(docs.hasBody(body)).toBe(true);
    expect(docs.hasBody(`${body} `)).toBe(false);
  });

  it("refuses a manifest with duplicate ids, bodies that do not parse, or names the body lacks", () => {
    const problems = problemsOf(() =>
      trustedDocuments(
        manifest([
          { id: "a", name: "ProductPage", type: "query", body },
          { id: "a", name: "ProductPage", type: "query", body },
          { id: "b", name: "Broken", type: "query", body: "query Broken {" },
          { id: "c", name: "Other", type: "mutation", body },
        ]),
        "m.json",
      ),
    );
    expect(problems).toEqual([
      "m.json: operations[1] (ProductPage): id a is used twice",
      expect.stringMatching(/^m\.json: operations\[2\] \(Broken\): the body does not parse: Syntax Error/),
      "m.json: operations[3] (Other): the body has no mutation named Other",
    ]);
  });

  it("refuses other formats", () => {
    expect(problemsOf(() => trustedDocuments({ format: "something-else", version: 2, operations: {} }, "m.json")).join("\n")).toMatch(
      /format.*\n.*version.*\n.*operations/,
    );
  });
});

describe("persistedOperations config and start", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "persisted-config-"));
  const logger = createLogger("test", "silent");

  it("needs a manifest in log and reject modes, and resolves it against the config's folder", () => {
    const file = path.join(dir, "router.yaml");
    writeFileSync(file, "persistedOperations: { mode: reject }");
    expect(() => loadRouterConfig({ env: {}, cwd: dir, flags: { config: file } })).toThrow(
      /persistedOperations\.manifest: mode "reject" needs a manifest/,
    );
    writeFileSync(file, "persistedOperations: { mode: log, manifest: ops/manifest.json }");
    expect(loadRouterConfig({ env: {}, cwd: dir, flags: { config: file } }).persistedOperations.manifest).toBe(
      path.join(dir, "ops/manifest.json"),
    );
  });

  it("refuses to start on a bad manifest, listing every problem", async () => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(manifest([{ id: "a", name: "X", type: "query", body: "{" }])));
    const config = persistedOperationsConfigSchema.parse({ mode: "reject", manifest: file });
    const error = await createPersistedOperationsHooks({ config, logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(
      /^persistedOperations\.manifest: .*bad\.json: operations\[0\] \(X\): the body does not parse/,
    );
    const missing = await createPersistedOperationsHooks({ config: { ...config, manifest: path.join(dir, "none.json") }, logger }).catch(
      (e: unknown) => e,
    );
    expect((missing as ConfigError).problems[0]).toMatch(/none\.json: no such file/);
  });

  it("adds no stage when off, and keeps APQ bounded (and off in reject mode, where the manifest is the only store)", async () => {
    expect(await createPersistedOperationsHooks({ config: persistedOperationsConfigSchema.parse({}), logger })).toBeUndefined();
    expect(persistedQueriesOption(persistedOperationsConfigSchema.parse({}))).toMatchObject({ cache: expect.anything() });
    expect(persistedQueriesOption(persistedOperationsConfigSchema.parse({ apq: { enabled: false } }))).toBe(false);
    expect(persistedQueriesOption(persistedOperationsConfigSchema.parse({ mode: "reject", manifest: "m.json" }))).toBe(false);
  });
});
