import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { SignJWT, exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subgraphRequest } from "../../support/subgraph-call.ts";
import { loadRouterConfig } from "../../../src/config.ts";
import {
  resolveAuthentication,
  authenticationConfigSchema,
  type AuthenticationSettings,
} from "../../../src/features/authentication/config.ts";
import { createAuthenticationHooks } from "../../../src/features/authentication/index.ts";
import { createKeySet } from "../../../src/features/authentication/key-set.ts";
import type { RouterContext } from "../../../src/context.ts";
import { callerFromHeaders } from "@store/wire";
import { createLogger } from "@store/service-kit";
import type { IncomingMessage } from "node:http";
import { TokenRejected, createTokenVerifier } from "../../../src/features/authentication/verifier.ts";

const SECRET = "unit-test-secret-0123456789abcdefghij";
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

function settings(overrides: Partial<AuthenticationSettings> = {}): AuthenticationSettings {
  const { settings: resolved, problems } = resolveAuthentication(authenticationConfigSchema.parse({}), {
    env: { AUTH_JWT_SECRET: SECRET },
    cwd: ".",
  });
  expect(problems).toEqual([]);
  return { ...resolved, ...overrides };
}

function token(
  claims: Record<string, unknown> = {},
  {
    alg = "HS256",
    signWith = key as Parameters<SignJWT["sign"]>[0],
    kid,
  }: { alg?: string; signWith?: Parameters<SignJWT["sign"]>[0]; kid?: string } = {},
) {
  const payload = {
    sub: "usr_0006",
    iss: "store-accounts",
    aud: "store-graph",
    iat: now(),
    exp: now() + 3600,
    scope: "orders:read orders:write",
    roles: ["customer"],
    username: "dennis.lovelace",
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg, ...(kid && { kid }) }).sign(signWith);
}

async function reasonOf(work: Promise<unknown>): Promise<{ reason: string; message: string; status: number }> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRejected);
    const { reason, message, status } = error as TokenRejected;
    return { reason, message, status };
  }
  throw new Error("expected the token to be rejected");
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("HS256 tokens", () => {
  const verify = createTokenVerifier(settings());

  it("accepts a valid token and normalizes its claims", async () => {
    const claims = await verify(await token());
    expect(claims).toMatchObject({
      sub: "usr_0006",
      scopes: ["orders:read", "orders:write"],
      roles: ["customer"],
      username: "dennis.lovelace",
      iss: "store-accounts",
    });
  });

  it("reads scopes from a `scopes` list as well", async () => {
    const claims = await verify(await token({ scope: undefined, scopes: ["a", "b"] }));
    expect(claims.scopes).toEqual(["a", "b"]);
  });

  it.each([
    ["an expired token", { exp: now() - 3600 }, "expired", /expired/],
    ["a token not valid yet", { nbf: now() + 3600 }, "not_yet_valid", /not valid yet/],
    ["a token from another issuer", { iss: "someone-else" }, "wrong_issuer", /issuer/],
    ["a token for another audience", { aud: "another-graph" }, "wrong_audience", /audience/],
  ])("refuses %s", async (_, claims, reason, message) => {
    const rejected = await reasonOf(verify(await token(claims)));
    expect(rejected).toMatchObject({ reason, status: 401 });
    expect(rejected.message).toMatch(message);
  });

  it("allows a little clock skew on exp and nbf", async () => {
    await expect(verify(await token({ exp: now() - 5 }))).resolves.toMatchObject({ sub: "usr_0006" });
    await expect(verify(await token({ nbf: now() + 5 }))).resolves.toMatchObject({ sub: "usr_0006" });
  });

  it("refuses a token signed with another secret", async () => {
    const forged = await token({}, { signWith: new TextEncoder().encode("another-secret-0123456789abcdefghijkl") });
    expect(await reasonOf(verify(forged))).toMatchObject({ reason: "bad_signature", message: "The token's signature is invalid." });
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const [header, , signature] = (await token()).split(".");
    const tampered = `${header}.${b64({ sub: "usr_0001", scope: "admin", iss: "store-accounts", aud: "store-graph", exp: now() + 60 })}.${signature}`;
    expect((await reasonOf(verify(tampered))).reason).toBe("bad_signature");
  });

  it("refuses alg none, whatever the claims", async () => {
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "usr_0001", scope: "admin", iss: "store-accounts", aud: "store-graph", exp: now() + 60 })}.`;
    const rejected = await reasonOf(verify(unsigned));
    expect(rejected).toMatchObject({ reason: "algorithm_not_allowed", status: 401 });
    expect(rejected.message).toMatch(/"none" is not accepted/);
  });

  it.each([
    ["garbage", "not-a-token"],
    ["two parts", "abc.def"],
    ["a bad header", `!!!.${b64({ sub: "x" })}.sig`],
  ])("refuses %s as malformed", async (_, value) => {
    expect((await reasonOf(verify(value))).reason).toBe("malformed");
  });

  it("requires sub and exp", async () => {
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("usr_0006")
      .setIssuer("store-accounts")
      .setAudience("store-graph")
      .sign(key);
    expect(await reasonOf(verify(noExp))).toMatchObject({ reason: "invalid_claims", message: "The token has no exp claim." });
    const noSub = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("store-accounts")
      .setAudience("store-graph")
      .setExpirationTime("1h")
      .sign(key);
    expect((await reasonOf(verify(noSub))).reason).toBe("invalid_claims");
  });
});

describe("RS256 and ES256 against a key set", () => {
  const pairs = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
  let jwksServer: http.Server;
  let jwksUrl: string;
  let published: string[] = [];
  let fetches = 0;

  beforeAll(async () => {
    for (const [kid, alg] of [
      ["rsa-1", "RS256"],
      ["ec-1", "ES256"],
      ["rsa-2", "RS256"],
    ] as const) {
      const pair = await generateKeyPair(alg, { extractable: true });
      pairs.set(kid, { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" } });
    }
    published = ["rsa-1", "ec-1"];
    jwksServer = http.createServer((_, res) => {
      fetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: published.map((kid) => pairs.get(kid)!.jwk) }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  }, 30_000); // RSA key generation is slow on a busy machine
  afterAll(() => new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined))));

  const signed = (kid: string, claims: Record<string, unknown> = {}) =>
    token(claims, { alg: pairs.get(kid)!.jwk.alg!, signWith: pairs.get(kid)!.privateKey, kid });

  it("verifies RS256 and ES256 tokens with keys from a JWKS file's contents", async () => {
    const jwks = {
      kind: "file" as const,
      file: "keys.json",
      keys: { keys: [pairs.get("rsa-1")!.jwk, pairs.get("ec-1")!.jwk] as Array<Record<string, unknown>> },
    };
    const verify = createTokenVerifier(settings({ algorithms: ["RS256", "ES256"], jwks }), createKeySet(jwks));
    await expect(verify(await signed("rsa-1"))).resolves.toMatchObject({ sub: "usr_0006" });
    await expect(verify(await signed("ec-1"))).resolves.toMatchObject({ sub: "usr_0006" });
    expect((await reasonOf(verify(await signed("rsa-2")))).reason).toBe("unknown_key");
    // An HS256 token is refused when only asymmetric algorithms are accepted (no algorithm confusion).
    expect((await reasonOf(verify(await token()))).reason).toBe("algorithm_not_allowed");
  });

  it("fetches the JWKS once, picks up a rotated key, and does not refetch for made-up kids during the cooldown", async () => {
    const jwks = { kind: "url" as const, url: jwksUrl, cacheMaxAgeMs: 600_000, cooldownMs: 1_000, timeoutMs: 2_000 };
    const verify = createTokenVerifier(settings({ algorithms: ["RS256", "ES256"], jwks }), createKeySet(jwks));
    fetches = 0;
    await verify(await signed("rsa-1"));
    await verify(await signed("ec-1"));
    expect(fetches).toBe(1);

    // A flood of unknown kids right after a fetch: refused, and nothing fetched.
    const forgedKid = (i: number) => token({}, { alg: "RS256", signWith: pairs.get("rsa-1")!.privateKey, kid: `made-up-${i}` });
    for (let i = 0; i < 20; i++) expect((await reasonOf(verify(await forgedKid(i)))).reason).toBe("unknown_key");
    expect(fetches).toBe(1);

    // The provider rotates to rsa-2; after the cooldown the first token with the new kid refetches.
    published = ["rsa-2", "ec-1"];
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(verify(await signed("rsa-2"))).resolves.toMatchObject({ sub: "usr_0006" });
    expect(fetches).toBe(2);
    expect((await reasonOf(verify(await signed("rsa-2", { exp: now() - 3600 })))).reason).toBe("expired");
  });

  it("answers 503 when the key set cannot be fetched", async () => {
    const jwks = { kind: "url" as const, url: "http://127.0.0.1:1/jwks.json", cacheMaxAgeMs: 600_000, cooldownMs: 0, timeoutMs: 1_000 };
    const verify = createTokenVerifier(settings({ algorithms: ["RS256"], jwks }), createKeySet(jwks));
    expect(await reasonOf(verify(await signed("rsa-1")))).toMatchObject({ reason: "keys_unavailable", status: 503 });
  });
});

describe("authentication config", () => {
  const load = (env: NodeJS.ProcessEnv, yaml?: string) =>
    loadRouterConfig({ env: { LOG_LEVEL: "silent", ...env, ...(yaml && { ROUTER_CONFIG: writeTemp(yaml) }) } });

  it("is off without a key, and on with AUTH_JWT_SECRET (HS256 only)", () => {
    expect(load({}).authentication.enabled).toBe(false);
    const on = load({ AUTH_JWT_SECRET: SECRET }).authentication;
    expect(on).toMatchObject({
      enabled: true,
      algorithms: ["HS256"],
      issuer: ["store-accounts"],
      audience: ["store-graph"],
      clockToleranceSeconds: 30,
    });
  });

  it("never shows the secret in JSON or console output", () => {
    const config = load({ AUTH_JWT_SECRET: SECRET });
    expect(JSON.stringify(config)).not.toContain(SECRET);
    expect(inspect(config, { depth: 10 })).not.toContain(SECRET);
    expect(config.authentication.secret?.reveal()).toBe(SECRET);
  });

  it.each([
    ["a short secret", { AUTH_JWT_SECRET: "short" }, undefined, /AUTH_JWT_SECRET: must be at least 32 characters/],
    ["enabled without a key", {}, "authentication:\n  enabled: true\n", /no key: set env AUTH_JWT_SECRET/],
    [
      "HS256 without the secret",
      {},
      "authentication:\n  algorithms: [HS256]\n  jwks: { url: 'https://idp.example.com/jwks.json' }\n",
      /HS256 needs the secret/,
    ],
    [
      "RS256 without a key set",
      { AUTH_JWT_SECRET: SECRET },
      "authentication:\n  algorithms: [HS256, RS256]\n",
      /RS256 need authentication.jwks/,
    ],
    [
      "both a JWKS url and file",
      {},
      "authentication:\n  jwks: { url: 'https://idp.example.com/jwks.json', file: keys.json }\n",
      /either url or file/,
    ],
    ["alg none", { AUTH_JWT_SECRET: SECRET }, "authentication:\n  algorithms: [none]\n", /authentication.algorithms.0/],
    ["a missing JWKS file", {}, "authentication:\n  jwks: { file: /nonexistent/keys.json }\n", /authentication.jwks.file/],
  ])("rejects %s at start with a clear problem", (_, env, yaml, problem) => {
    expect(() => load(env, yaml)).toThrow(problem);
  });

  it("takes the JWKS URL from env AUTH_JWKS_URL", () => {
    expect(load({ AUTH_JWKS_URL: "https://idp.example.com/jwks.json" }).authentication).toMatchObject({
      enabled: true,
      algorithms: ["RS256", "ES256"],
      jwks: { kind: "url", url: "https://idp.example.com/jwks.json", cooldownMs: 30_000 },
    });
  });
});

function writeTemp(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "router-auth-")), "router.yaml");
  writeFileSync(file, yaml);
  return file;
}

describe("the authentication stage", () => {
  const stage = createAuthenticationHooks({ settings: settings(), logger: createLogger("test", "silent") });
  const contextFor = (): RouterContext => ({
    requestId: "r1",
    caller: null,
    tokenClaims: null,
    clientHeaders: {},
    clientIp: "127.0.0.1",
    responseHeaders: new Map(),
  });
  const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

  it("leaves a request without a token (or with an empty Authorization) anonymous", async () => {
    for (const header of [undefined, "", "  "]) {
      const context = contextFor();
      await stage.context!(request(header), context);
      expect(context.caller).toBeNull();
    }
  });

  it("answers a bad token with a 401 GraphQL error before anything else", async () => {
    const error = await Promise.resolve(stage.context!(request("Bearer not-a-token"), contextFor())).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      message: expect.stringMatching(/malformed/),
      extensions: { code: "UNAUTHENTICATED", reason: "malformed", http: { status: 401 } },
    });
  });

  it("sends the verified claims to subgraphs, and never a copy from elsewhere", async () => {
    const context = contextFor();
    await stage.context!(request(`Bearer ${await token()}`), context);
    const forged = "eyJzdWIiOiJ1c3JfMDAwMSJ9";
    const headers: Record<string, string> = { "x-supergraph-claims": forged };
    subgraphRequest(stage, { subgraph: "orders", context, headers, body: "{}" });
    expect(callerFromHeaders(headers)).toEqual({ id: "usr_0006", scopes: ["orders:read", "orders:write"], roles: ["customer"] });

    const anonymous: Record<string, string> = { "x-supergraph-claims": forged };
    subgraphRequest(stage, { subgraph: "orders", context: contextFor(), headers: anonymous, body: "{}" });
    expect(anonymous).toEqual({});
  });

  it("still drops claim headers when authentication is off", () => {
    const off = createAuthenticationHooks({ settings: { ...settings(), enabled: false }, logger: createLogger("test", "silent") });
    expect(off.context).toBeUndefined();
    const headers: Record<string, string> = { "x-supergraph-claims": "e30" };
    subgraphRequest(off, { subgraph: "orders", context: contextFor(), headers, body: "{}" });
    expect(headers).toEqual({});
  });
});
