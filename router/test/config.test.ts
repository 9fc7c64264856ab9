import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { problemsOf } from "./support/config-problems.ts";
import { loadRouterConfig } from "../src/config.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "router-config-"));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** Production signs subgraph requests, so it needs a signing secret to start. */
const SIGNING = {
  SUBGRAPH_SECRET_PRODUCTS: "test-signing-secret-for-products-0123456789",
  ROUTER_CLAIMS_PRIVATE_KEY: generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
};

describe("router config", () => {
  it("defaults to development on port 4000 with introspection and the offline explorer as the landing page", () => {
    const config = loadRouterConfig({ env: {}, cwd: dir });
    expect(config).toMatchObject({
      mode: "development",
      introspection: true,
      landingPage: "explorer",
      explorer: { enabled: true },
      server: { port: 4000 },
    });
    expect(config.supergraph.path).toBe(path.join(dir, "supergraph.graphql"));
  });

  it("turns introspection and the landing page off in production", () => {
    const config = loadRouterConfig({ env: { NODE_ENV: "production", ...SIGNING }, cwd: dir });
    expect(config).toMatchObject({ mode: "production", introspection: false, landingPage: false, explorer: { enabled: false } });
  });

  it("decides the fair-use policies, the admin listener and the host by mode, each overridable", () => {
    const development = loadRouterConfig({ env: {}, cwd: dir });
    expect(development).toMatchObject({
      server: { host: "127.0.0.1" },
      admin: { enabled: false },
      rateLimit: { enabled: false },
      clientConcurrency: { enabled: false },
    });
    const production = loadRouterConfig({ env: { NODE_ENV: "production", ...SIGNING }, cwd: dir });
    expect(production).toMatchObject({
      server: { host: "0.0.0.0", headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 10_000 },
      admin: { enabled: true, host: "127.0.0.1", port: 9464 },
      rateLimit: { enabled: true, default: { requests: 600, windowSeconds: 60 } },
      clientConcurrency: { enabled: true, maxInFlight: 8, maxQueued: 32 },
    });
    const overridden = loadRouterConfig({
      env: {
        NODE_ENV: "production",
        HOST: "10.0.0.5",
        ADMIN_PORT: "9100",
        ADMIN_HOST: "10.0.1.5",
        ROUTER_RATE_LIMIT: "false",
        ROUTER_CLIENT_CONCURRENCY: "false",
        ...SIGNING,
      },
      cwd: dir,
    });
    expect(overridden).toMatchObject({
      server: { host: "10.0.0.5" },
      admin: { host: "10.0.1.5", port: 9100 },
      rateLimit: { enabled: false },
      clientConcurrency: { enabled: false },
    });
    expect(loadRouterConfig({ env: { ROUTER_RATE_LIMIT: "true" }, cwd: dir }).rateLimit.enabled).toBe(true);
    expect(
      problemsOf(() =>
        loadRouterConfig({
          flags: { config: file("timeouts.yaml", "server:\n  headersTimeoutMs: 5000\n  requestTimeoutMs: 1000\n") },
          env: {},
          cwd: dir,
        }),
      ).join("\n"),
    ).toMatch(/server\.headersTimeoutMs: headersTimeoutMs must not be above requestTimeoutMs/);
  });

  it("layers file < env < flags", () => {
    const configPath = file("layers.yaml", "server:\n  port: 5000\n  maxBodyBytes: 2048\nsupergraph:\n  path: from-file.graphql\n");
    const fromFile = loadRouterConfig({ flags: { config: configPath }, env: {}, cwd: dir });
    expect(fromFile.server).toMatchObject({ port: 5000, maxBodyBytes: 2048 });
    const fromEnv = loadRouterConfig({ flags: { config: configPath }, env: { PORT: "5100", SUPERGRAPH_PATH: "env.graphql" }, cwd: dir });
    expect(fromEnv.server.port).toBe(5100);
    expect(fromEnv.supergraph.path).toBe(path.join(dir, "env.graphql"));
    const fromFlags = loadRouterConfig({
      flags: { config: configPath, port: "5200", supergraph: "flag.graphql" },
      env: { PORT: "5100" },
      cwd: dir,
    });
    expect(fromFlags.server.port).toBe(5200);
    expect(fromFlags.supergraph.path).toBe(path.join(dir, "flag.graphql"));
  });

  it("takes subgraph URL overrides from the environment", () => {
    const config = loadRouterConfig({ env: { SUBGRAPH_ACCOUNTS_URL: "http://10.0.0.5:4001/graphql" }, cwd: dir });
    expect(config.subgraphs.accounts?.url).toBe("http://10.0.0.5:4001/graphql");
  });

  it("lists every bad value at once, naming where it came from", () => {
    const configPath = file(
      "bad.yaml",
      "mode: staging\nserver:\n  maxBodyBytes: -1\n  colour: blue\nsubgraphs:\n  accounts:\n    url: not-a-url\n",
    );
    const problems = problemsOf(() =>
      loadRouterConfig({ flags: { config: configPath }, env: { PORT: "eighty", LOG_LEVEL: "loud" }, cwd: dir }),
    );
    const text = problems.join("\n");
    expect(text).toMatch(/mode: .*\(from config file/);
    expect(text).toMatch(/server\.port: .*\(from env PORT\)/);
    expect(text).toMatch(/logLevel: .*\(from env LOG_LEVEL\)/);
    expect(text).toMatch(/server\.maxBodyBytes/);
    expect(text).toMatch(/colour/);
    expect(text).toMatch(/subgraphs\.accounts\.url/);
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });

  it("reports an unreadable config file clearly", () => {
    const problems = problemsOf(() => loadRouterConfig({ flags: { config: "missing.yaml" }, env: {}, cwd: dir }));
    expect(problems[0]).toMatch(/missing\.yaml/);
  });

  it("leaves tracing off until an OTLP endpoint is set, in the file or the standard OTEL_ variables", () => {
    expect(loadRouterConfig({ env: {}, cwd: dir }).tracing).toEqual({ sampleRatio: 1, scheduleDelayMs: 5000 });
    const configPath = file("tracing.yaml", "tracing:\n  endpoint: http://collector:4318\n  sampleRatio: 0.5\n");
    expect(loadRouterConfig({ flags: { config: configPath }, env: {}, cwd: dir }).tracing).toMatchObject({
      endpoint: "http://collector:4318",
      sampleRatio: 0.5,
    });
    const fromEnv = loadRouterConfig({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel:4318", OTEL_TRACES_SAMPLER_ARG: "0.1", OTEL_BSP_SCHEDULE_DELAY: "250" },
      cwd: dir,
    });
    expect(fromEnv.tracing).toEqual({ endpoint: "http://otel:4318", sampleRatio: 0.1, scheduleDelayMs: 250 });
    const problems = problemsOf(() =>
      loadRouterConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: "otel:4318", OTEL_TRACES_SAMPLER_ARG: "1.5" }, cwd: dir }),
    );
    expect(problems.join("\n")).toMatch(/tracing.endpoint.*env OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(problems.join("\n")).toMatch(/tracing.sampleRatio.*env OTEL_TRACES_SAMPLER_ARG/);
  });

  it("chooses the landing page and the explorer, accepting the old boolean landingPage", () => {
    const load = (yaml: string, env: NodeJS.ProcessEnv = {}) =>
      loadRouterConfig({ flags: { config: file("explorer.yaml", yaml) }, env: { ...SIGNING, ...env }, cwd: dir });
    expect(load("landingPage: true\n")).toMatchObject({ landingPage: "sandbox" });
    expect(load("landingPage: false\n")).toMatchObject({ landingPage: false, explorer: { enabled: true } });
    expect(load("landingPage: explorer\n")).toMatchObject({ landingPage: "explorer" });
    expect(load("landingPage: sandbox\n")).toMatchObject({ landingPage: "sandbox" });
    expect(load("", { ROUTER_LANDING_PAGE: "sandbox" })).toMatchObject({ landingPage: "sandbox" });
    // Without the explorer, development falls back to Sandbox rather than a redirect to nothing.
    expect(load("", { ROUTER_EXPLORER: "false" })).toMatchObject({ landingPage: "sandbox", explorer: { enabled: false } });
    expect(load("mode: production\nexplorer:\n  enabled: true\n")).toMatchObject({ landingPage: false, explorer: { enabled: true } });
    expect(load("", { NODE_ENV: "production", ROUTER_EXPLORER: "true", ROUTER_LANDING_PAGE: "explorer" })).toMatchObject({
      landingPage: "explorer",
      explorer: { enabled: true },
    });
    expect(load("", { ROUTER_EXPLORER: "false", ROUTER_LANDING_PAGE: "false" })).toMatchObject({
      landingPage: false,
      explorer: { enabled: false },
    });
    expect(load("explorer:\n  demoUser: { username: ada, password: pw }\n").explorer.demoUser).toEqual({ username: "ada", password: "pw" });
    expect(load("").explorer.demoUser).toBeUndefined();
    expect(load("", { ROUTER_EXPLORER_DEMO_USERNAME: "ada", ROUTER_EXPLORER_DEMO_PASSWORD: "pw" }).explorer.demoUser).toEqual({
      username: "ada",
      password: "pw",
    });
  });

  it("refuses an explorer landing page with the explorer off, and unknown choices", () => {
    expect(
      problemsOf(() => loadRouterConfig({ env: { NODE_ENV: "production", ROUTER_LANDING_PAGE: "explorer" }, cwd: dir })).join("\n"),
    ).toMatch(/landingPage: "explorer" needs the explorer on/);
    const problems = problemsOf(() =>
      loadRouterConfig({
        flags: { config: file("bad-explorer.yaml", "landingPage: graphiql\nexplorer:\n  enabled: yes-please\n  colour: red\n") },
        env: {},
        cwd: dir,
      }),
    );
    expect(problems.join("\n")).toMatch(/landingPage/);
    expect(problems.join("\n")).toMatch(/explorer\.enabled/);
    expect(problems.join("\n")).toMatch(/colour/);
  });

  describe("registry as the supergraph source", () => {
    it("takes the URL from env, the token from env ROUTER_REGISTRY_TOKEN only, and defaults the rest", () => {
      const config = loadRouterConfig({
        env: { SUPERGRAPH_REGISTRY_URL: "http://127.0.0.1:4010", ROUTER_REGISTRY_TOKEN: "secret-token" },
        cwd: dir,
      });
      expect(config.supergraph.path).toBeUndefined();
      expect(config.supergraph.registry).toEqual({
        url: "http://127.0.0.1:4010",
        token: "secret-token",
        pollTimeoutSeconds: 30,
        cacheFile: path.join(dir, ".data/router/supergraph.graphql"),
        usage: { enabled: true, flushIntervalMs: 10_000 },
        report: { enabled: true, intervalMs: 15_000 },
      });
    });

    it("rejects a path and a registry together, a missing token, and a token in the file", () => {
      const registryFile = file("registry.yaml", "supergraph:\n  path: x.graphql\n  registry:\n    url: http://127.0.0.1:4010\n");
      const both = problemsOf(() => loadRouterConfig({ flags: { config: registryFile }, env: { ROUTER_REGISTRY_TOKEN: "t" }, cwd: dir }));
      expect(both.join("\n")).toMatch(/either path .* or registry .*, not both/);
      expect(
        problemsOf(() =>
          loadRouterConfig({
            env: { SUPERGRAPH_PATH: "a.graphql", SUPERGRAPH_REGISTRY_URL: "http://127.0.0.1:4010", ROUTER_REGISTRY_TOKEN: "t" },
            cwd: dir,
          }),
        ).join("\n"),
      ).toMatch(/not both/);
      expect(
        problemsOf(() => loadRouterConfig({ env: { SUPERGRAPH_REGISTRY_URL: "http://127.0.0.1:4010" }, cwd: dir })).join("\n"),
      ).toMatch(/ROUTER_REGISTRY_TOKEN/);
      const tokenInFile = file("token.yaml", "supergraph:\n  registry:\n    url: http://127.0.0.1:4010\n    token: in-the-file\n");
      expect(
        problemsOf(() => loadRouterConfig({ flags: { config: tokenInFile }, env: { ROUTER_REGISTRY_TOKEN: "t" }, cwd: dir })).join("\n"),
      ).toMatch(/token/);
      expect(
        problemsOf(() => loadRouterConfig({ env: { SUPERGRAPH_REGISTRY_URL: "not a url", ROUTER_REGISTRY_TOKEN: "t" }, cwd: dir }))[0],
      ).toMatch(/supergraph\.registry\.url.*env SUPERGRAPH_REGISTRY_URL/);
    });
  });
});
