import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@store/service-kit";
import { loadRouterConfig } from "../../../src/config.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "router-authz-config-"));
const load = (yaml: string) => {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadRouterConfig({ flags: { config: file }, env: {}, cwd: dir });
};
const problems = (yaml: string) => {
  try {
    load(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join("\n");
  }
  throw new Error("expected a ConfigError");
};

describe("authorization config", () => {
  it("filters by default and takes reject mode and config policies", () => {
    expect(loadRouterConfig({ env: {}, cwd: dir }).authorization).toEqual({ reject: false, policies: {} });
    expect(load("authorization:\n  reject: true\n  policies:\n    staff: { anyRole: [staff, admin] }\n").authorization).toEqual({
      reject: true,
      policies: { staff: { anyRole: ["staff", "admin"] } },
    });
  });

  it("rejects unknown keys, empty policies and redefining a built-in policy, naming each", () => {
    expect(problems("authorization:\n  rejct: true\n")).toMatch(/authorization.*rejct/);
    expect(problems("authorization:\n  policies:\n    staff: {}\n")).toMatch(
      /authorization\.policies\.staff: a policy needs anyRole and\/or allScopes/,
    );
    expect(problems("authorization:\n  policies:\n    admin: { anyRole: [root] }\n")).toMatch(/cannot redefine a built-in policy/);
  });

  it("loads the documented example config", () => {
    const config = loadRouterConfig({
      flags: { config: path.resolve(import.meta.dirname, "../../../router.example.yaml") },
      env: {},
      cwd: dir,
    });
    expect(config.authorization.reject).toBe(false);
  });
});
