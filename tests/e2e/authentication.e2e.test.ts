/**
 * Authentication through real HTTP against the running router and subgraphs: sign-in, acting as
 * the signed-in user, the tokens an attacker tries (expired, not yet valid, forged signature,
 * alg none, garbage), forged claim headers, and RS256/ES256 tokens against a JWKS with key rotation.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { SignJWT, exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD, generateStore } from "@store/seed-data";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { LOGIN, bearer, loginAs, mintToken, tokenHeader } from "../support/auth.ts";
import { graphql, readCounter } from "../support/graphql.ts";

const routerUrl = inject("routerUrl");
const subgraphUrls = inject("subgraphUrls");
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");
const store = generateStore();
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claimsHeader = (claims: Record<string, unknown>) => ({ "x-supergraph-claims": b64(claims) });

/** GraphQL requests all five subgraphs have received so far. */
const subgraphRequests = async () =>
  (await Promise.all(Object.values(subgraphUrls).map((url) => readCounter(url, "http_requests_total", { route: "graphql" })))).reduce(
    (a, b) => a + b,
    0,
  );

const ME = `{ me { id username } }`;
const PLACE_ORDER = `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id user { id username } } }`;
// Read as staff, so the count does not depend on the caller under test.
const orderCountOf = async (userId: string): Promise<number> =>
  (
    await graphql(
      routerUrl,
      `
        query ($id: ID!) {
          user(id: $id) {
            orders(first: 1) {
              totalCount
            }
          }
        }
      `,
      { id: userId },
      await tokenHeader({ id: "usr_0001", roles: ["admin"] }),
    )
  ).data.user.orders.totalCount;

describe("signing in and acting as the signed-in user", () => {
  const customer = store.users[30]!;

  it("logs in through the router, then `me` is that user; without a token `me` is null", async () => {
    const login = await graphql(routerUrl, LOGIN, { username: customer.username, password: DEMO_PASSWORD });
    expect(login.errors).toBeUndefined();
    expect(login.data.login.user).toEqual({ id: customer.id, username: customer.username, roles: ["customer"] });
    expect(Date.parse(login.data.login.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);

    const me = await graphql(routerUrl, ME, {}, bearer(login.data.login.token));
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toEqual({ id: customer.id, username: customer.username });

    const anonymous = await graphql(routerUrl, ME);
    expect(anonymous.status).toBe(200);
    expect(anonymous.data.me).toBeNull();
  });

  it("answers a wrong password and an unknown user with the same UNAUTHENTICATED error", async () => {
    const wrong = await graphql(routerUrl, LOGIN, { username: customer.username, password: "guess-1234" });
    const unknown = await graphql(routerUrl, LOGIN, { username: `nobody-${randomUUID()}`, password: DEMO_PASSWORD });
    for (const result of [wrong, unknown]) {
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  it("places an order as the signed-in user, and refuses an anonymous one", async () => {
    const headers = await loginAs(routerUrl, customer.username);
    const before = await orderCountOf(customer.id);
    const placed = await graphql(
      routerUrl,
      PLACE_ORDER,
      { input: { lines: [{ productId: "prd_0100", quantity: 1 }] }, key: `auth-${randomUUID()}` },
      headers,
    );
    expect(placed.errors).toBeUndefined();
    expect(placed.data.placeOrder.user).toEqual({ id: customer.id, username: customer.username });
    expect(await orderCountOf(customer.id)).toBe(before + 1);

    const anonymous = await graphql(routerUrl, PLACE_ORDER, {
      input: { lines: [{ productId: "prd_0100", quantity: 1 }] },
      key: `auth-${randomUUID()}`,
    });
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await orderCountOf(customer.id)).toBe(before + 1);
  });
});

describe("tokens the router refuses with 401 before any subgraph is called", () => {
  const tokens: Array<[string, () => Promise<string>, RegExp]> = [
    ["an expired token", () => mintToken({ sub: "usr_0031", exp: now() - 600 }), /expired/],
    ["a token not valid yet", () => mintToken({ sub: "usr_0031", nbf: now() + 3600 }), /not valid yet/],
    [
      "a token signed with another secret",
      () => mintToken({ sub: "usr_0001", roles: ["admin"] }, "an-attackers-guess-at-the-secret-0123456789"),
      /signature is invalid/,
    ],
    [
      "a token with its payload swapped after signing",
      async () => {
        const [header, , signature] = (await mintToken({ sub: "usr_0031" })).split(".");
        return `${header}.${b64({ sub: "usr_0001", roles: ["admin"], scope: "admin", iss: "store-accounts", aud: "store-graph", exp: now() + 600 })}.${signature}`;
      },
      /signature is invalid/,
    ],
    [
      "an alg: none token",
      async () =>
        `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "usr_0001", scope: "admin", iss: "store-accounts", aud: "store-graph", exp: now() + 600 })}.`,
      /algorithm "none" is not accepted/,
    ],
    ["a malformed token", async () => "this.is-not.a-jwt", /malformed/],
    ["a token for another audience", () => mintToken({ sub: "usr_0031", aud: "another-graph" }), /audience/],
  ];

  it.each(tokens)("refuses %s", async (_, make, message) => {
    const token = await make();
    const before = await subgraphRequests();
    const result = await graphql(
      routerUrl,
      `
        {
          me {
            id
          }
          product(id: "prd_0001") {
            name
          }
        }
      `,
      {},
      bearer(token),
    );
    expect(result.status).toBe(401);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.errors![0]!.message).toMatch(message);
    expect(result.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    expect(await subgraphRequests()).toBe(before);
  });

  it("refuses an Authorization header that is not a bearer token", async () => {
    const before = await subgraphRequests();
    const result = await graphql(
      routerUrl,
      ME,
      {},
      { authorization: `Basic ${Buffer.from(`ada.lovelace:${DEMO_PASSWORD}`).toString("base64")}` },
    );
    expect(result.status).toBe(401);
    expect(result.errors?.[0]).toMatchObject({
      message: "The Authorization header must be `Bearer <token>`.",
      extensions: { code: "UNAUTHENTICATED" },
    });
    expect(await subgraphRequests()).toBe(before);
  });

  it("still answers the next request: a refused token changes nothing for anyone else", async () => {
    const result = await graphql(
      routerUrl,
      `
        {
          product(id: "prd_0001") {
            id
          }
        }
      `,
    );
    expect(result).toMatchObject({ status: 200, data: { product: { id: "prd_0001" } } });
  });
});

describe("forged claim headers from the client", () => {
  const admin = { sub: "usr_0001", scopes: ["admin", "orders:write"], roles: ["admin"], username: "ada.lovelace" };

  it("do not make an anonymous caller anyone", async () => {
    const me = await graphql(routerUrl, ME, {}, claimsHeader(admin));
    expect(me.data.me).toBeNull();
    const order = await graphql(
      routerUrl,
      PLACE_ORDER,
      { input: { lines: [{ productId: "prd_0100", quantity: 1 }] }, key: `forged-${randomUUID()}` },
      claimsHeader(admin),
    );
    expect(order.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("do not change who a signed-in caller is", async () => {
    const me = await graphql(routerUrl, ME, {}, { ...bearer(await mintToken({ sub: "usr_0032" })), ...claimsHeader(admin) });
    expect(me.data.me.id).toBe("usr_0032");
  });
});

describe("RS256 and ES256 tokens against an identity provider's JWKS", () => {
  const keys = new Map<string, { privateKey: CryptoKey; jwk: JWK }>();
  let published: string[];
  let jwksFetches = 0;
  let jwks: http.Server;
  let router: Router;
  let url: string;

  beforeAll(async () => {
    for (const [kid, alg] of [
      ["rsa-2026-01", "RS256"],
      ["ec-2026-01", "ES256"],
      ["rsa-2026-02", "RS256"],
    ] as const) {
      const pair = await generateKeyPair(alg, { extractable: true });
      keys.set(kid, { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" } });
    }
    published = ["rsa-2026-01", "ec-2026-01"];
    jwks = http.createServer((_, res) => {
      jwksFetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: published.map((kid) => keys.get(kid)!.jwk) }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    const configFile = path.join(mkdtempSync(path.join(os.tmpdir(), "router-jwks-")), "router.yaml");
    writeFileSync(
      configFile,
      `authentication:\n  issuer: https://idp.example.com/\n  audience: store-graph\n  jwks:\n    url: ${jwksUrl}\n    cooldownMs: 1000\n`,
    );
    router = createRouter(
      loadRouterConfig({
        env: { LOG_LEVEL: "silent", ROUTER_CONFIG: configFile, ...signingEnv },
        flags: { supergraph: supergraphPath, port: "0" },
      }),
    );
    url = `${(await router.start()).url}/graphql`;
  });
  afterAll(async () => {
    await router?.stop();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const signed = (kid: string, claims: Record<string, unknown> = {}) => {
    const { privateKey, jwk } = keys.get(kid)!;
    const payload = {
      sub: "usr_0040",
      iss: "https://idp.example.com/",
      aud: "store-graph",
      exp: now() + 600,
      scope: "orders:read",
      ...claims,
    };
    return new SignJWT(payload).setProtectedHeader({ alg: jwk.alg!, kid }).sign(privateKey);
  };

  it("accepts RS256 and ES256 tokens signed with the published keys", async () => {
    for (const kid of ["rsa-2026-01", "ec-2026-01"]) {
      const me = await graphql(url, ME, {}, bearer(await signed(kid)));
      expect(me.errors, kid).toBeUndefined();
      expect(me.data.me).toEqual({ id: "usr_0040", username: store.users[39]!.username });
    }
    expect(jwksFetches).toBe(1);
  });

  it("refuses an HS256 token (even one signed with the store's secret) and a wrongly signed RS256 one", async () => {
    const hs = await graphql(url, ME, {}, bearer(await mintToken({ sub: "usr_0040", iss: "https://idp.example.com/" })));
    expect(hs.status).toBe(401);
    expect(hs.errors?.[0]?.message).toMatch(/algorithm "HS256" is not accepted/);
    const [header, payload] = (await signed("rsa-2026-01")).split(".");
    const [, , otherSignature] = (await signed("rsa-2026-01", { sub: "usr_0041" })).split(".");
    const mixed = await graphql(url, ME, {}, bearer(`${header}.${payload}.${otherSignature}`));
    expect(mixed.status).toBe(401);
    expect(mixed.errors?.[0]?.message).toMatch(/signature is invalid/);
  });

  it("picks up a rotated key, drops the retired one, and does not refetch for every unknown kid", async () => {
    // Unknown kids right after a fetch are refused without asking the provider again.
    const fetchesBefore = jwksFetches;
    for (let i = 0; i < 10; i++) {
      const forged = await new SignJWT({ sub: "usr_0001", iss: "https://idp.example.com/", aud: "store-graph", exp: now() + 600 })
        .setProtectedHeader({ alg: "RS256", kid: `made-up-${i}` })
        .sign(keys.get("rsa-2026-01")!.privateKey);
      const result = await graphql(url, ME, {}, bearer(forged));
      expect(result.status).toBe(401);
    }
    expect(jwksFetches).toBe(fetchesBefore);

    published = ["rsa-2026-02", "ec-2026-01"];
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const rotated = await graphql(url, ME, {}, bearer(await signed("rsa-2026-02")));
    expect(rotated.errors).toBeUndefined();
    expect(rotated.data.me.id).toBe("usr_0040");
    expect(jwksFetches).toBe(fetchesBefore + 1);

    const retired = await graphql(url, ME, {}, bearer(await signed("rsa-2026-01")));
    expect(retired.status).toBe(401);
    expect(retired.errors?.[0]?.message).toMatch(/No known signing key/);
  });
});
