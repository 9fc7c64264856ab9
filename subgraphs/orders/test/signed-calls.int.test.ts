/**
 * Subgraphs only answer the router and the services they trust. Real products, inventory and orders
 * services, each requiring signed requests: a direct request cannot read or write, a tampered or
 * stale one is refused, and orders still places orders with ITS OWN credentials, which inventory
 * tells apart from the router's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import { createLogger, createRequestSigner, loadSubgraphConfig, type SubgraphConfig } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig, viewerHeaders } from "@store/service-kit/testing";
import { inventory as inventoryDefinition } from "../../inventory/src/definition.ts";
import { createServer as createInventoryServer } from "../../inventory/src/server.ts";
import { products as productsDefinition } from "../../products/src/definition.ts";
import { createServer as createProductsServer } from "../../products/src/server.ts";
import { loadOrdersSettings } from "../src/config.ts";
import { ordersMigrationsDir } from "../src/definition.ts";
import { createServer as createOrdersServer } from "../src/server.ts";

const SECRETS = {
  SUBGRAPH_SECRET_PRODUCTS: "router-to-products-secret-0123456789abc",
  SUBGRAPH_SECRET_INVENTORY: "router-to-inventory-secret-0123456789ab",
  SUBGRAPH_SECRET_ORDERS: "router-to-orders-secret-0123456789abcdef",
  SUBGRAPH_SECRET_PRODUCTS_FROM_ORDERS: "orders-to-products-secret-0123456789abc",
  SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: "orders-to-inventory-secret-0123456789ab",
};
/** The signing settings the service would read from SECRETS as its environment. */
const signed = (name: string): Partial<SubgraphConfig> => ({ signing: loadSubgraphConfig(name, 0, SECRETS).signing });

const store = generateStore(seedSizesFromEnv());
const product = store.products.find((p) => store.stockLevels.filter((l) => l.productId === p.id).reduce((n, l) => n + l.quantity, 0) >= 20)!;
const inventoryLog: string[] = [];

let products: Awaited<ReturnType<typeof createProductsServer>>;
let inventory: Awaited<ReturnType<typeof createInventoryServer>>;
let orders: Awaited<ReturnType<typeof createOrdersServer>>;
let ordersWrongKey: Awaited<ReturnType<typeof createOrdersServer>>;
let inventoryUrl: string;
let ordersUrl: string;
let ordersWrongKeyUrl: string;

const asRouter = (secret: string, now?: () => number) => createRequestSigner("router", secret, now);
/** Posts a raw body with the given (signature) headers. */
async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

const WAREHOUSES = JSON.stringify({ query: "{ warehouses { id code } }" });
const STOCK = JSON.stringify({ query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { totalStock } } }`, variables: { r: [{ __typename: "Product", id: product.id }] } });
const totalStock = async () => (await post(inventoryUrl, STOCK, asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY)(STOCK))).body.data._entities[0].totalStock as number;
const PLACE_ORDER = `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }`;
const placeOrderBody = (key: string) => JSON.stringify({ query: PLACE_ORDER, variables: { input: { lines: [{ productId: product.id, quantity: 1 }] }, key } });
/** The router's headers for an order by usr_0003: the claims header, and a signature that covers it. */
const asRouterForBuyer = (body: string) => {
  const claims = viewerHeaders("usr_0003");
  return { ...claims, ...asRouter(SECRETS.SUBGRAPH_SECRET_ORDERS)(body, claims["x-supergraph-claims"]) };
};

beforeAll(async () => {
  const [productsDb, inventoryDb, ordersDb, ordersDb2] = await Promise.all([
    createTestDatabase(productsDefinition.migrationsDir),
    createTestDatabase(inventoryDefinition.migrationsDir),
    createTestDatabase(ordersMigrationsDir),
    createTestDatabase(ordersMigrationsDir),
  ]);
  products = await createProductsServer({ config: testSubgraphConfig("products", signed("products")), db: productsDb });
  inventory = await createInventoryServer({
    config: testSubgraphConfig("inventory", signed("inventory")),
    db: inventoryDb,
    logger: createLogger("inventory", "debug", { write: (line: string) => void inventoryLog.push(line) }),
  });
  await Promise.all([productsDefinition.seed(products.prisma, products.logger), inventoryDefinition.seed(inventory.prisma, inventory.logger)]);
  const productsUrl = `${(await products.start()).url}/graphql`;
  inventoryUrl = `${(await inventory.start()).url}/graphql`;

  const urls = { ORDERS_PRODUCTS_URL: productsUrl, ORDERS_INVENTORY_URL: inventoryUrl };
  orders = await createOrdersServer({ config: testSubgraphConfig("orders", signed("orders")), db: ordersDb }, loadOrdersSettings({ ...urls, ...SECRETS }));
  ordersUrl = `${(await orders.start()).url}/graphql`;
  // Orders holding a credential inventory does not know.
  const wrongKey = loadOrdersSettings({ ...urls, ...SECRETS, SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: "a-guessed-orders-to-inventory-secret-0000" });
  ordersWrongKey = await createOrdersServer({ config: testSubgraphConfig("orders", signed("orders")), db: ordersDb2 }, wrongKey);
  ordersWrongKeyUrl = `${(await ordersWrongKey.start()).url}/graphql`;
});

afterAll(async () => {
  await Promise.allSettled([orders?.stop(), ordersWrongKey?.stop()]);
  await Promise.allSettled([products?.stop(), inventory?.stop()]);
});

describe("a subgraph that requires signed requests", () => {
  it("refuses a direct, unsigned request with 401 UNAUTHENTICATED and no data", async () => {
    const { status, body } = await postGraphQL(inventoryUrl, "{ warehouses { id code } }");
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([{ message: "This subgraph only answers signed requests (from the router or a trusted service).", extensions: { code: "UNAUTHENTICATED" } }]);
    // Not over GET either, where the operation would sit in the unsigned URL.
    const get = await fetch(`${inventoryUrl}?query=${encodeURIComponent("{ warehouses { id } }")}`, { headers: { "apollo-require-preflight": "1" } });
    expect(get.status).toBe(401);
  });

  it("refuses an unsigned write: a direct reserveStock moves no stock", async () => {
    const before = await totalStock();
    const { status } = await postGraphQL(inventoryUrl, `mutation { reserveStock(reservationKey: "direct-1", items: [{ productId: "${product.id}", quantity: 5 }]) { status } }`);
    expect(status).toBe(401);
    expect(await totalStock()).toBe(before);
  });

  it("answers what the router signed", async () => {
    const { status, body } = await post(inventoryUrl, WAREHOUSES, asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY)(WAREHOUSES));
    expect(status).toBe(200);
    expect(body.data.warehouses.length).toBeGreaterThan(0);
  });

  it("refuses a signed request whose body was changed on the way", async () => {
    const headers = asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY)(WAREHOUSES);
    const tampered = JSON.stringify({ query: `mutation { reserveStock(reservationKey: "tampered-1", items: [{ productId: "${product.id}", quantity: 5 }]) { status } }` });
    const { status, body } = await post(inventoryUrl, tampered, headers);
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({ message: "The request signature does not match its body, timestamp and claims.", extensions: { code: "UNAUTHENTICATED" } });
  });

  it("refuses a replay later than the window, a future timestamp, and another subgraph's secret", async () => {
    const late = asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY, () => Date.now() - 61_000)(WAREHOUSES);
    expect((await post(inventoryUrl, WAREHOUSES, late)).body.errors?.[0]?.message).toMatch(/^The request signature expired \(signed 6\d s ago; at most 60 s are accepted\)\.$/);
    const future = asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY, () => Date.now() + 60_000)(WAREHOUSES);
    expect((await post(inventoryUrl, WAREHOUSES, future)).body.errors?.[0]?.message).toMatch(/in the future/);
    const products = asRouter(SECRETS.SUBGRAPH_SECRET_PRODUCTS)(WAREHOUSES);
    expect((await post(inventoryUrl, WAREHOUSES, products)).status).toBe(401);
  });

  it("keeps health and metrics open", async () => {
    const base = inventoryUrl.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });
});

describe("orders calling inventory and products with its own credentials", () => {
  it("places an order the router asked for; inventory logs orders, not the router, as the caller", async () => {
    const before = await totalStock();
    const body = placeOrderBody("signed-order-1");
    const { status, body: answer } = await post(ordersUrl, body, asRouterForBuyer(body));
    expect(answer.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(answer.data.placeOrder.status).toBe("CONFIRMED");
    expect(await totalStock()).toBe(before - 1);
    const callers = inventoryLog.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "graphql request").map((entry) => entry.caller);
    expect(callers).toContain("orders");
    expect(callers).toContain("router");
  });

  it("with a credential inventory does not know, the order fails as SERVICE_UNAVAILABLE and takes no stock", async () => {
    const before = await totalStock();
    const body = placeOrderBody("signed-order-2");
    const { body: answer } = await post(ordersWrongKeyUrl, body, asRouterForBuyer(body));
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE", service: "inventory" } });
    expect(answer.errors?.[0]?.message).toMatch(/refused this service's credentials/);
    expect(await totalStock()).toBe(before);
  });
});
