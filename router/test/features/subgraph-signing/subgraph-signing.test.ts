import { describe, expect, it } from "vitest";
import { subgraphRequest } from "../../support/subgraph-call.ts";
import { generateKeyPairSync } from "node:crypto";
import { createClaimsVerifier, createRequestVerifier } from "@store/wire";
import { ConfigError, createLogger } from "@store/service-kit";
import type { RouterContext } from "../../../src/context.ts";
import { createSubgraphSigningHooks, loadSigningSecrets } from "../../../src/features/subgraph-signing/subgraph-signing.ts";

const PRODUCTS = "products-signing-secret-0123456789abcdef";
const logger = createLogger("router", "silent");
const body = '{"query":"{ products { id } }"}';
const call = (subgraph: string, headers: Record<string, string> = {}, context?: RouterContext) => ({
  subgraph,
  context,
  headers: { "content-type": "application/json", ...headers } as Record<string, string>,
  body,
});
const ON = { enabled: true, claimsTtlSeconds: 60 };
const OFF = { enabled: false, claimsTtlSeconds: 60 };
const claimsKeys = generateKeyPairSync("ed25519");
const CLAIMS = "eyJzdWIiOiJ1c3JfMDAwMSIsInNjb3BlcyI6W10sInJvbGVzIjpbXX0";

describe("subgraph request signing (router)", () => {
  it("reads one secret per subgraph from the environment, not the service-to-service ones", () => {
    const config = loadSigningSecrets(
      ON,
      { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS, SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: PRODUCTS, SUBGRAPH_PRODUCTS_URL: "http://x" },
      false,
    );
    expect(config.secrets).toEqual({ SUBGRAPH_SECRET_PRODUCTS: PRODUCTS });
  });

  it("refuses to start in production without any secret, or with a short one", () => {
    const key = claimsKeys.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    expect(() => loadSigningSecrets(ON, { ROUTER_CLAIMS_PRIVATE_KEY: key }, true)).toThrow(/SUBGRAPH_SECRET_<NAME>/);
    expect(() => loadSigningSecrets(ON, { SUBGRAPH_SECRET_PRODUCTS: "short" }, false)).toThrow(ConfigError);
    expect(loadSigningSecrets(OFF, {}, true).secrets).toEqual({});
    expect(loadSigningSecrets(ON, {}, false).secrets).toEqual({});
  });

  it("needs the claims signing key in production, and an Ed25519 one wherever it is set", () => {
    expect(() => loadSigningSecrets(ON, { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS }, true)).toThrow(/ROUTER_CLAIMS_PRIVATE_KEY/);
    expect(() => loadSigningSecrets(ON, { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS, ROUTER_CLAIMS_PRIVATE_KEY: "not a key" }, false)).toThrow(
      /Ed25519/,
    );
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(() => loadSigningSecrets(ON, { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS, ROUTER_CLAIMS_PRIVATE_KEY: rsa }, false)).toThrow(/Ed25519/);
    const pem = claimsKeys.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(
      loadSigningSecrets(ON, { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS, ROUTER_CLAIMS_PRIVATE_KEY: pem }, true).claimsKey?.asymmetricKeyType,
    ).toBe("ed25519");
  });

  it("signs the user's claims once per client request with the router's private key, and drops a signature it did not make", () => {
    const stage = createSubgraphSigningHooks({
      config: { ...ON, secrets: { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS }, claimsKey: claimsKeys.privateKey },
      logger,
      production: true,
    });
    const context = {} as RouterContext;
    const first = call("products", { "x-supergraph-claims": CLAIMS }, context);
    const second = call("products", { "x-supergraph-claims": CLAIMS }, context);
    subgraphRequest(stage, first);
    subgraphRequest(stage, second);
    expect(first.headers["x-supergraph-claims-signature"]).toMatch(/^\d+\.[A-Za-z0-9_-]{86}$/);
    expect(second.headers["x-supergraph-claims-signature"]).toBe(first.headers["x-supergraph-claims-signature"]);
    expect(createClaimsVerifier(claimsKeys.publicKey)(first.headers)).toEqual({
      ok: true,
      caller: { id: "usr_0001", scopes: [], roles: [] },
    });
    const anonymous = call("products", { "x-supergraph-claims-signature": "1.forged" }, context);
    subgraphRequest(stage, anonymous);
    expect(anonymous.headers["x-supergraph-claims-signature"]).toBeUndefined();
  });

  it("signs the exact body and the claims header with the subgraph's own secret", () => {
    const stage = createSubgraphSigningHooks({
      config: { ...ON, secrets: { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS } },
      logger,
      production: true,
    });
    const sent = call("products", { "x-supergraph-claims": "eyJzdWIiOiJ1c3JfMDAwMSJ9" });
    subgraphRequest(stage, sent);
    expect(sent.headers).toMatchObject({
      "x-supergraph-caller": "router",
      "x-supergraph-timestamp": expect.stringMatching(/^\d+$/),
      "x-supergraph-signature": expect.stringMatching(/^v2=/),
      "x-supergraph-nonce": expect.any(String),
    });
    const verify = createRequestVerifier({ credentials: { router: PRODUCTS }, maxAgeSeconds: 60 });
    expect(verify(sent.headers, body)).toEqual({ ok: true, caller: "router", nonce: sent.headers["x-supergraph-nonce"] });
    expect(verify({ ...sent.headers, "x-supergraph-claims": "eyJzdWIiOiJ1c3JfMDAwMiJ9" }, body).ok).toBe(false);
    // Another subgraph's secret does not verify it.
    expect(createRequestVerifier({ credentials: { router: `${PRODUCTS}-other` }, maxAgeSeconds: 60 })(sent.headers, body).ok).toBe(false);
  });

  it("never sends an unsigned request in production; development sends it and warns", () => {
    const config = { ...ON, secrets: { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS } };
    expect(() => subgraphRequest(createSubgraphSigningHooks({ config, logger, production: true }), call("reviews"))).toThrow(
      /SUBGRAPH_SECRET_REVIEWS/,
    );
    const sent = call("reviews");
    subgraphRequest(createSubgraphSigningHooks({ config, logger, production: false }), sent);
    expect(sent.headers["x-supergraph-signature"]).toBeUndefined();
  });

  it("adds no hook at all when signing is off", () => {
    expect(createSubgraphSigningHooks({ config: { ...OFF, secrets: {} }, logger, production: true }).subgraphCall).toBeUndefined();
  });
});
