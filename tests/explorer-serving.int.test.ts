/**
 * How the router serves the explorer: off in production unless enabled, the built files with the
 * right types and caching, nothing outside them, and the landing page choice.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExplorerHandler, createRouter, loadExplorerFiles, loadRouterConfig, type Router } from "@store/router";
import { composeStoreSupergraph } from "@store/composition";

let supergraphPath: string;
const routers: Router[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "explorer-serving-"));
  supergraphPath = path.join(dir, "supergraph.graphql");
  writeFileSync(supergraphPath, (await composeStoreSupergraph()).sdl);
});
afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
});

/** Starts a router in-process on a free loopback port; subgraphs are not needed to serve pages. */
async function startRouter(env: NodeJS.ProcessEnv): Promise<string> {
  // Production signs subgraph requests and needs a secret to start; no subgraph is called here.
  const signing = {
    SUBGRAPH_SECRET_PRODUCTS: "test-signing-secret-for-products-0123456789",
    ROUTER_CLAIMS_PRIVATE_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
  };
  const router = createRouter(
    loadRouterConfig({
      env: { LOG_LEVEL: "silent", HOST: "127.0.0.1", ADMIN_PORT: "0", ...signing, ...env },
      flags: { supergraph: supergraphPath, port: "0" },
    }),
  );
  routers.push(router);
  const running = await router.start();
  return `http://127.0.0.1:${running.port}`;
}

/** A request with the path sent exactly as written (fetch would resolve "../" first). */
function rawGet(
  base: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path: rawPath, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

const assetPaths = (html: string) => [...html.matchAll(/(?:src|href)="(explorer\/assets\/[^"]+)"/g)].map((m) => `/${m[1]}`);

describe("production router", () => {
  it("does not serve the explorer unless it is enabled", async () => {
    const base = await startRouter({ NODE_ENV: "production" });
    for (const route of ["/explorer", "/explorer/", "/explorer/assets/explorer.js"]) {
      const response = await fetch(base + route);
      expect(response.status).toBe(404);
      expect((await response.json()).errors[0].extensions.code).toBe("NOT_FOUND");
    }
  });

  describe("with ROUTER_EXPLORER=true", () => {
    let base: string;
    let html: string;
    beforeAll(async () => {
      base = await startRouter({ NODE_ENV: "production", ROUTER_EXPLORER: "true" });
      html = await (await fetch(`${base}/explorer`)).text();
    });

    it("serves the page from its own origin only, with no demo credentials", async () => {
      const response = await fetch(`${base}/explorer`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'.*script-src 'self'/);
      expect(html).toMatch(/<title>Store explorer<\/title>/);
      const config = JSON.parse(/<script id="explorer-config" type="application\/json">(.*?)<\/script>/.exec(html)![1]!);
      expect(config).toEqual({ endpoint: "graphql", landingPage: false });
      expect(html).not.toMatch(/(src|href)="https?:/);

      const again = await fetch(`${base}/explorer`, { headers: { "if-none-match": response.headers.get("etag")! } });
      expect(again.status).toBe(304);
    });

    it("serves the bundle with its content type, long-lived caching and gzip when asked", async () => {
      const [css, js] = [assetPaths(html).find((p) => p.endsWith(".css"))!, assetPaths(html).find((p) => p.endsWith(".js"))!];
      const script = await rawGet(base, js, { "accept-encoding": "gzip, br" });
      expect(script.status).toBe(200);
      expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(script.headers["content-encoding"]).toBe("gzip");
      const plain = await rawGet(base, js);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(Number(plain.headers["content-length"])).toBeGreaterThan(Number(script.headers["content-length"]));
      expect((await rawGet(base, css)).headers["content-type"]).toBe("text/css; charset=utf-8");
      const head = await fetch(base + js, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
    });

    it("rejects paths outside the built files", async () => {
      for (const attempt of [
        "/explorer/assets/../../package.json",
        "/explorer/assets/..%2f..%2fpackage.json",
        "/explorer/assets/%2e%2e/%2e%2e/package.json",
        "/explorer/assets/..\\..\\package.json",
        "/explorer/../router/package.json",
        "/explorer/index.html",
        "/explorer/assets/",
      ]) {
        const response = await rawGet(base, attempt);
        expect(response.status, attempt).toBe(404);
        expect(JSON.parse(response.body).errors[0].extensions.code, attempt).toBe("NOT_FOUND");
        expect(response.body).not.toMatch(/"name":\s*"@store/);
      }
    });

    it("answers other methods with 405 and redirects the trailing slash", async () => {
      const post = await fetch(`${base}/explorer`, { method: "POST", body: "{}" });
      expect(post.status).toBe(405);
      expect(post.headers.get("allow")).toBe("GET, HEAD");
      const slash = await fetch(`${base}/explorer/`, { redirect: "manual" });
      expect(slash.status).toBe(308);
      expect(new URL(slash.headers.get("location")!, `${base}/explorer/`).pathname).toBe("/explorer");
    });
  });
});

describe("landing page choice", () => {
  it("serves Apollo Sandbox to a browser only when asked for it", async () => {
    const base = await startRouter({ NODE_ENV: "development", ROUTER_LANDING_PAGE: "sandbox" });
    const page = await fetch(`${base}/graphql`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/sandbox/i);
  });

  it("sends a browser opening /graphql in development to the explorer by default", async () => {
    const base = await startRouter({ NODE_ENV: "development" });
    const page = await fetch(`${base}/graphql`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(302);
    expect(new URL(page.headers.get("location")!, `${base}/graphql`).pathname).toBe("/explorer");
  });

  it("sends a browser opening /graphql to the explorer when landingPage is explorer, and still answers GraphQL", async () => {
    const base = await startRouter({ NODE_ENV: "development", ROUTER_LANDING_PAGE: "explorer" });
    const page = await fetch(`${base}/graphql`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(page.status).toBe(302);
    expect(new URL(page.headers.get("location")!, `${base}/graphql`).pathname).toBe("/explorer");
    const query = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(await query.json()).toEqual({ data: { __typename: "Query" } });
  });
});

describe("an explorer that was never built", () => {
  it("answers 503 with how to build it", async () => {
    const files = loadExplorerFiles(mkdtempSync(path.join(os.tmpdir(), "explorer-empty-")));
    expect(files).toBeUndefined();
    const handler = createExplorerHandler(files, {});
    const server = http.createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/explorer`);
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
      expect(body.errors[0].message).toMatch(/npm run build:explorer/);
    } finally {
      server.close();
    }
  });
});
