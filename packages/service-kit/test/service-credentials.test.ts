import { describe, expect, it } from "vitest";
import { createRequestVerifier } from "@store/wire";
import { ConfigError } from "../src/config.ts";
import { loadServiceSigners } from "../src/service-credentials.ts";

const ORDERS_SECRET = "orders-secret-for-inventory-0123456789";
const body = JSON.stringify({ query: "{ warehouses { id } }", variables: {} });

describe("service credentials", () => {
  it("signs a service's calls with the secret it shares with each callee", () => {
    const signers = loadServiceSigners("orders", ["inventory", "products"], { SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: ORDERS_SECRET });
    expect(signers.products).toBeUndefined();
    const headers = signers.inventory!(body);
    expect(headers["x-supergraph-caller"]).toBe("orders");
    expect(createRequestVerifier({ credentials: { orders: ORDERS_SECRET }, maxAgeSeconds: 60 })(headers, body)).toMatchObject({
      ok: true,
      caller: "orders",
    });
  });

  it("has credentials only for the calls service-calls.ts declares", () => {
    expect(() => loadServiceSigners("products", ["orders"], { SUBGRAPH_SECRET_ORDERS_FROM_PRODUCTS: ORDERS_SECRET })).toThrow(
      /products -> orders: not a declared service call/,
    );
    expect(() => loadServiceSigners("orders", ["accounts"], {})).toThrow(ConfigError);
  });

  it("needs every credential in production, unless signing is off", () => {
    expect(() =>
      loadServiceSigners("orders", ["inventory", "products"], {
        NODE_ENV: "production",
        SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: ORDERS_SECRET,
      }),
    ).toThrow(ConfigError);
    expect(() =>
      loadServiceSigners("orders", ["inventory"], { NODE_ENV: "production", SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: "short" }),
    ).toThrow(/at least 32/);
    expect(loadServiceSigners("orders", ["inventory"], { NODE_ENV: "production", SUBGRAPH_SIGNING: "off" }).inventory).toBeUndefined();
  });
});
