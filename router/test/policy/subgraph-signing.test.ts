import { describe, expect, it } from "vitest";
import { ConfigError, createLogger, createRequestVerifier } from "@store/service-kit";
import type { RouterContext } from "../../src/context.ts";
import { createSubgraphSigningStage, loadSigningSecrets } from "../../src/policy/subgraph-signing.ts";

const PRODUCTS = "products-signing-secret-0123456789abcdef";
const logger = createLogger("router", "silent");
const body = '{"query":"{ products { id } }"}';
const call = (subgraph: string, headers: Record<string, string> = {}) => ({ subgraph, context: undefined as RouterContext | undefined, headers: { "content-type": "application/json", ...headers } as Record<string, string>, body });

describe("subgraph request signing (router)", () => {
  it("reads one secret per subgraph from the environment, not the service-to-service ones", () => {
    const config = loadSigningSecrets({ enabled: true }, { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS, SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: PRODUCTS, SUBGRAPH_PRODUCTS_URL: "http://x" }, true);
    expect(config.secrets).toEqual({ SUBGRAPH_SECRET_PRODUCTS: PRODUCTS });
  });

  it("refuses to start in production without any secret, or with a short one", () => {
    expect(() => loadSigningSecrets({ enabled: true }, {}, true)).toThrow(/SUBGRAPH_SECRET_<NAME>/);
    expect(() => loadSigningSecrets({ enabled: true }, { SUBGRAPH_SECRET_PRODUCTS: "short" }, false)).toThrow(ConfigError);
    expect(loadSigningSecrets({ enabled: false }, {}, true).secrets).toEqual({});
    expect(loadSigningSecrets({ enabled: true }, {}, false).secrets).toEqual({});
  });

  it("signs the exact body and the claims header with the subgraph's own secret", () => {
    const stage = createSubgraphSigningStage({ config: { enabled: true, secrets: { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS } }, logger, production: true });
    const sent = call("products", { "x-supergraph-claims": "eyJzdWIiOiJ1c3JfMDAwMSJ9" });
    stage.subgraphRequest!(sent);
    expect(sent.headers).toMatchObject({ "x-supergraph-caller": "router", "x-supergraph-timestamp": expect.stringMatching(/^\d+$/), "x-supergraph-signature": expect.stringMatching(/^v1=/) });
    const verify = createRequestVerifier({ credentials: { router: PRODUCTS }, maxAgeSeconds: 60 });
    expect(verify(sent.headers, body)).toEqual({ ok: true, caller: "router" });
    expect(verify({ ...sent.headers, "x-supergraph-claims": "eyJzdWIiOiJ1c3JfMDAwMiJ9" }, body).ok).toBe(false);
    // Another subgraph's secret does not verify it.
    expect(createRequestVerifier({ credentials: { router: `${PRODUCTS}-other` }, maxAgeSeconds: 60 })(sent.headers, body).ok).toBe(false);
  });

  it("never sends an unsigned request in production; development sends it and warns", () => {
    const config = { enabled: true, secrets: { SUBGRAPH_SECRET_PRODUCTS: PRODUCTS } };
    expect(() => createSubgraphSigningStage({ config, logger, production: true }).subgraphRequest!(call("reviews"))).toThrow(/SUBGRAPH_SECRET_REVIEWS/);
    const sent = call("reviews");
    createSubgraphSigningStage({ config, logger, production: false }).subgraphRequest!(sent);
    expect(sent.headers["x-supergraph-signature"]).toBeUndefined();
  });

  it("adds no hook at all when signing is off", () => {
    expect(createSubgraphSigningStage({ config: { enabled: false, secrets: {} }, logger, production: true }).subgraphRequest).toBeUndefined();
  });
});
