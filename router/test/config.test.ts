import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@store/service-kit";
import { loadRouterConfig } from "../src/config.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "router-config-"));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("router config", () => {
  it("defaults to development on port 4000 with introspection and the landing page on", () => {
    const config = loadRouterConfig({ env: {}, cwd: dir });
    expect(config).toMatchObject({ mode: "development", introspection: true, landingPage: true, server: { port: 4000 } });
    expect(config.supergraph.path).toBe(path.join(dir, "supergraph.graphql"));
  });

  it("turns introspection and the landing page off in production", () => {
    const config = loadRouterConfig({ env: { NODE_ENV: "production" }, cwd: dir });
    expect(config).toMatchObject({ mode: "production", introspection: false, landingPage: false });
  });

  it("layers file < env < flags", () => {
    const configPath = file("layers.yaml", "server:\n  port: 5000\n  maxBodyBytes: 2048\nsupergraph:\n  path: from-file.graphql\n");
    const fromFile = loadRouterConfig({ flags: { config: configPath }, env: {}, cwd: dir });
    expect(fromFile.server).toMatchObject({ port: 5000, maxBodyBytes: 2048 });
    const fromEnv = loadRouterConfig({ flags: { config: configPath }, env: { PORT: "5100", SUPERGRAPH_PATH: "env.graphql" }, cwd: dir });
    expect(fromEnv.server.port).toBe(5100);
    expect(fromEnv.supergraph.path).toBe(path.join(dir, "env.graphql"));
    const fromFlags = loadRouterConfig({ flags: { config: configPath, port: "5200", supergraph: "flag.graphql" }, env: { PORT: "5100" }, cwd: dir });
    expect(fromFlags.server.port).toBe(5200);
    expect(fromFlags.supergraph.path).toBe(path.join(dir, "flag.graphql"));
  });

  it("takes subgraph URL overrides from the environment", () => {
    const config = loadRouterConfig({ env: { SUBGRAPH_ACCOUNTS_URL: "http://10.0.0.5:4001/graphql" }, cwd: dir });
    expect(config.subgraphs.accounts?.url).toBe("http://10.0.0.5:4001/graphql");
  });

  it("lists every bad value at once, naming where it came from", () => {
    const configPath = file("bad.yaml", "mode: staging\nserver:\n  maxBodyBytes: -1\n  colour: blue\nsubgraphs:\n  accounts:\n    url: not-a-url\n");
    const problems = problemsOf(() => loadRouterConfig({ flags: { config: configPath }, env: { PORT: "eighty", LOG_LEVEL: "loud" }, cwd: dir }));
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
});
