import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authenticate, authorizePublish } from "../src/auth.ts";
import { registryConfigFrom } from "../src/config.ts";
import { RegistryError } from "../src/errors.ts";

const file = {
  teams: {
    identity: { subgraphs: ["accounts"] },
    catalog: { subgraphs: ["products"], tokenSha256: [createHash("sha256").update("catalog-token-from-a-hash").digest("hex")] },
  },
};
const env = { REGISTRY_TOKEN_IDENTITY: "identity-token-from-env", REGISTRY_ROUTER_TOKEN: "router-token-from-env" };

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof RegistryError ? error.code : String(error);
  }
  return undefined;
}

describe("registry config and tokens", () => {
  it("lists every problem of a bad teams file and environment at once, never a token's value", () => {
    const bad = {
      teams: { identity: { subgraphs: ["accounts"] }, rogue: { subgraphs: ["accounts"], tokenSha256: ["abc"] } },
      checks: { usageWindowHours: 48, usageRetentionHours: 24 },
      extra: true,
    };
    let message = "";
    try {
      registryConfigFrom({ PORT: "nope" }, bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/PORT/);
    try {
      registryConfigFrom({}, bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/teams\.rogue\.subgraphs: "accounts" is already owned by team "identity"/);
    expect(message).toMatch(/tokenSha256\.0: must be a lower-case hex sha256/);
    expect(message).toMatch(/usageRetentionHours: must be at least usageWindowHours/);
    expect(message).toMatch(/extra/);
    expect(() => registryConfigFrom({ REGISTRY_TOKEN_IDENTITY: "short" }, file)).toThrow(
      /REGISTRY_TOKEN_IDENTITY: tokens must be at least 16 characters/,
    );
    expect(() => registryConfigFrom({ REGISTRY_TOKEN_IDENTITY: "short" }, file)).not.toThrow(/short/);
  });

  it("knows teams by env tokens and by hashes in the file, routers by their token", () => {
    const config = registryConfigFrom(env, file);
    expect(authenticate(config, { authorization: "Bearer identity-token-from-env" })).toEqual({ kind: "team", team: "identity" });
    expect(authenticate(config, { authorization: "bearer catalog-token-from-a-hash" })).toEqual({ kind: "team", team: "catalog" });
    expect(authenticate(config, { authorization: "Bearer router-token-from-env" })).toEqual({ kind: "router" });
    expect(codeOf(() => authenticate(config, {}))).toBe("UNAUTHENTICATED");
    expect(codeOf(() => authenticate(config, { authorization: "Bearer identity-token-from-en" }))).toBe("UNAUTHENTICATED");
    expect(codeOf(() => authenticate(config, { authorization: "Basic aWQ6cHc=" }))).toBe("UNAUTHENTICATED");
  });

  it("lets a team publish only the subgraphs it owns", () => {
    const config = registryConfigFrom(env, file);
    expect(authorizePublish(config, { kind: "team", team: "identity" }, "accounts")).toBe("identity");
    expect(codeOf(() => authorizePublish(config, { kind: "team", team: "identity" }, "products"))).toBe("FORBIDDEN");
    expect(codeOf(() => authorizePublish(config, { kind: "team", team: "identity" }, "wishlist"))).toBe("FORBIDDEN");
    expect(codeOf(() => authorizePublish(config, { kind: "router" }, "accounts"))).toBe("FORBIDDEN");
  });
});

describe("viewer tokens", () => {
  it("read-only tokens from the environment or a hash in the file authenticate as viewers, who may not publish", () => {
    const viewerHash = createHash("sha256").update("viewer-token-from-a-hash").digest("hex");
    const config = registryConfigFrom(
      { ...env, REGISTRY_VIEWER_TOKEN: "viewer-token-from-env-0" },
      { ...file, viewers: { tokenSha256: [viewerHash] } },
    );
    for (const token of ["viewer-token-from-env-0", "viewer-token-from-a-hash"]) {
      const principal = authenticate(config, { authorization: `Bearer ${token}` });
      expect(principal).toEqual({ kind: "viewer" });
      expect(codeOf(() => authorizePublish(config, principal, "products"))).toBe("FORBIDDEN");
    }
    expect(() => registryConfigFrom({ REGISTRY_VIEWER_TOKEN: "short" }, file)).toThrow(/REGISTRY_VIEWER_TOKEN: tokens must be at least 16/);
  });
});
