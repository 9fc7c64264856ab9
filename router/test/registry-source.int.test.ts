import http from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createServiceMetrics } from "@store/service-kit";
import { composeStoreSupergraph } from "@store/composition";
import { createRouterMetrics } from "../src/metrics.ts";
import { RegistrySourceError, registrySupergraph } from "../src/registry-source.ts";
import { createAuthorizationHooks } from "../src/features/authorization/index.ts";

/**
 * The router's registry source against a stand-in registry that can serve what the real one never
 * would (it validates every publish): a supergraph that does not load. The router must keep the last
 * good one, count the failure, and take the next good one.
 */

interface Served {
  status: number;
  sdl: string;
  etag: string;
}

let good: string;
const dir = mkdtempSync(path.join(os.tmpdir(), "router-registry-source-"));
const logger = createLogger("router", "silent");
const hookOptions = (update: (sdl: string) => void) => ({ update, healthCheck: async () => undefined, getDataSource: () => ({}) as never });

beforeAll(async () => {
  good = (await composeStoreSupergraph()).sdl;
});

function fakeRegistry(initial: Served) {
  let served = initial;
  const authorizations: string[] = [];
  const server = http.createServer(async (req, res) => {
    authorizations.push(req.headers.authorization ?? "");
    const wait = Number(new URL(req.url ?? "/", "http://x").searchParams.get("wait") ?? 0);
    const until = Date.now() + wait * 1000;
    while (req.headers["if-none-match"] === served.etag && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    if (req.headers["if-none-match"] === served.etag) return res.writeHead(304, { etag: served.etag }).end();
    res.writeHead(served.status, {
      "content-type": "application/json",
      etag: served.etag,
      "x-supergraph-version": served.etag.replaceAll('"', ""),
    });
    res.end(JSON.stringify({ supergraph: { sdl: served.sdl } }));
  });
  return {
    server,
    authorizations,
    set: (next: Served) => (served = next),
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const eventually = async (check: () => boolean | Promise<boolean>, ms = 5_000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

// The router's own preparation: the store's supergraph carries authorization directives the gateway
// loads only once the authorization stage has checked and adapted it.
const prepare = createAuthorizationHooks({ config: { reject: false, policies: {} }, logger: createLogger("test", "silent") }).supergraph!;

describe("registry supergraph source", () => {
  const registry = fakeRegistry({ status: 200, sdl: "", etag: '"1"' });
  let url: string;
  beforeAll(async () => {
    registry.set({ status: 200, sdl: good, etag: '"1"' });
    url = await registry.listen();
  });
  afterAll(() => registry.close());

  it("keeps the last good supergraph when a new one cannot load, and takes the next good one", async () => {
    const cacheFile = path.join(dir, "a", "supergraph.graphql");
    const service = createServiceMetrics("router");
    const metrics = createRouterMetrics(service);
    const updates: string[] = [];
    const hook = registrySupergraph({
      config: {
        url,
        token: "router-secret",
        pollTimeoutSeconds: 1,
        cacheFile,
        usage: { enabled: false, flushIntervalMs: 10_000 },
        report: { enabled: false, intervalMs: 15_000 },
      },
      logger,
      metrics,
      prepare,
    });
    const { supergraphSdl, cleanup } = await hook(hookOptions((sdl) => updates.push(sdl)));
    try {
      expect(supergraphSdl).toBe(prepare(good));
      expect(readFileSync(cacheFile, "utf8")).toBe(good);
      expect(registry.authorizations.every((a) => a === "Bearer router-secret")).toBe(true);

      registry.set({ status: 200, sdl: "type Query { broken", etag: '"2"' });
      await eventually(async () => (await metrics.supergraphUpdateFailures.get()).values[0]?.value === 1);
      expect(updates).toEqual([]);
      expect(readFileSync(cacheFile, "utf8")).toBe(good);

      // A supergraph naming a policy the router does not know is refused the same way.
      registry.set({ status: 200, sdl: good.replace('"self_or_admin"', '"owner_of_anything"'), etag: '"2b"' });
      await eventually(async () => (await metrics.supergraphUpdateFailures.get()).values[0]?.value === 2);
      expect(updates).toEqual([]);

      const next = `${good}\n# version 3\n`;
      registry.set({ status: 200, sdl: next, etag: '"3"' });
      await eventually(() => updates.length === 1);
      expect(updates[0]).toBe(prepare(next));
      await eventually(() => readFileSync(cacheFile, "utf8") === next);
      expect(await service.registry.getSingleMetricAsString("supergraph_version_info")).toMatch(
        /supergraph_version_info\{version="3",service="router"\} 1/,
      );
    } finally {
      await cleanup!();
    }
  });

  it("starts from the cache file while the registry is down, and fails clearly without one", async () => {
    const down = "http://127.0.0.1:9"; // discard port: nothing listens
    const cacheFile = path.join(dir, "b.graphql");
    const config = {
      url: down,
      token: "t",
      pollTimeoutSeconds: 1,
      cacheFile,
      usage: { enabled: false, flushIntervalMs: 10_000 },
      report: { enabled: false, intervalMs: 15_000 },
    };
    await expect(registrySupergraph({ config, logger, prepare })(hookOptions(() => undefined))).rejects.toThrow(RegistrySourceError);
    await expect(registrySupergraph({ config, logger, prepare })(hookOptions(() => undefined))).rejects.toThrow(
      /no cache file at .*b\.graphql/,
    );
    writeFileSync(cacheFile, good);
    const { supergraphSdl, cleanup } = await registrySupergraph({ config, logger, prepare })(hookOptions(() => undefined));
    expect(supergraphSdl).toBe(prepare(good));
    await cleanup!();
  });
});
