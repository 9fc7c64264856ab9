import { describe, expect, it } from "vitest";
import { ConfigError } from "@store/service-kit";
import { loadOrdersSettings } from "../src/config.ts";

describe("orders settings", () => {
  it("defaults to the local products and inventory ports", () => {
    expect(loadOrdersSettings({})).toEqual({
      productsUrl: "http://127.0.0.1:4002/graphql",
      inventoryUrl: "http://127.0.0.1:4003/graphql",
      upstreamTimeoutMs: 5000,
      // Development without credentials: calls go unsigned.
      signers: { products: undefined, inventory: undefined },
    });
  });

  it("signs its calls with its own credentials, required in production", () => {
    const secret = "orders-to-inventory-secret-0123456789abcdef";
    const { signers } = loadOrdersSettings({ SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: secret });
    expect(signers?.inventory?.("{}")["x-supergraph-caller"]).toBe("orders");
    expect(signers?.products).toBeUndefined();
    expect(() => loadOrdersSettings({ NODE_ENV: "production", SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: secret })).toThrow(
      /SUBGRAPH_SECRET_PRODUCTS_FROM_ORDERS: required in production/,
    );
  });

  it("reads the URLs and the timeout from the environment", () => {
    expect(
      loadOrdersSettings({
        ORDERS_PRODUCTS_URL: "http://products:8080/graphql",
        ORDERS_INVENTORY_URL: "https://inventory.internal/graphql",
        ORDERS_UPSTREAM_TIMEOUT_MS: "1500",
      }),
    ).toMatchObject({
      productsUrl: "http://products:8080/graphql",
      inventoryUrl: "https://inventory.internal/graphql",
      upstreamTimeoutMs: 1500,
    });
  });

  it("lists every problem at once", () => {
    try {
      loadOrdersSettings({
        ORDERS_PRODUCTS_URL: "not a url",
        ORDERS_INVENTORY_URL: "ftp://inventory/graphql",
        ORDERS_UPSTREAM_TIMEOUT_MS: "soon",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/ORDERS_PRODUCTS_URL/);
      expect(problems).toMatch(/ORDERS_INVENTORY_URL/);
      expect(problems).toMatch(/ORDERS_UPSTREAM_TIMEOUT_MS/);
    }
  });
});
