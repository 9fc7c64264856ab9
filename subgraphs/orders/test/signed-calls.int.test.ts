/**
 * Subgraphs only answer the router and the services allowed to call them. Real products, inventory
 * and orders services, each requiring signed requests: a direct request cannot read or write, a
 * tampered, stale or replayed one is refused without saying why, orders still places orders with
 * ITS OWN credentials, which inventory tells apart from the router's, and no service can make up a
 * user: only claims the router signed name one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import { createRequestSigner, encodeClaimsHeader, REFUSED_MESSAGE } from "@store/wire";
import { createLogger, loadSubgraphConfig, type SubgraphConfig } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testClaimsKeys, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import {
  createInventoryDefinition,
  createServer as createInventoryServer,
  inventoryMigrationsDir,
  loadInventorySettings,
  seedInventory,
} from "@store/inventory";
import { createServer as createProductsServer, loadProductsSettings, productsMigrationsDir, seedProducts } from "@store/products";
import { loadOrdersSettings } from "../src/config.ts";
import { ordersMigrationsDir } from "../src/definition.ts";
import { createServer as createOrdersServer } from "../src/server.ts";

const claimsKeys = testClaimsKeys();
const SECRETS = {
  ROUTER_CLAIMS_PUBLIC_KEY: claimsKeys.publicKeyEnv,
  SUBGRAPH_SECRET_PRODUCTS: "router-to-products-secret-0123456789abc",
  SUBGRAPH_SECRET_INVENTORY: "router-to-inventory-secret-0123456789ab",
  SUBGRAPH_SECRET_ORDERS: "router-to-orders-secret-0123456789abcdef",
  SUBGRAPH_SECRET_PRODUCTS_FROM_ORDERS: "orders-to-products-secret-0123456789abc",
  SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: "orders-to-inventory-secret-0123456789ab",
};
/** The signing settings the service would read from SECRETS as its environment. */
const signed = (name: string): Partial<SubgraphConfig> => ({ signing: loadSubgraphConfig(name, 0, SECRETS).signing });

const store = generateStore(seedSizesFromEnv());
const product = store.products.find(
  (p) => store.stockLevels.filter((l) => l.productId === p.id).reduce((n, l) => n + l.quantity, 0) >= 20,
)!;
const inventoryLog: string[] = [];

let products: Awaited<ReturnType<typeof createProductsServer>>;
let inventory: Awaited<ReturnType<typeof createInventoryServer>>;
let orders: Awaited<ReturnType<typeof createOrdersServer>>;
let ordersWrongKey: Awaited<ReturnType<typeof createOrdersServer>>;
let inventoryUrl: string;
let ordersUrl: string;
let ordersWrongKeyUrl: string;
let expiringInventory: Awaited<ReturnType<typeof createInventoryServer>>;
let expiringInventoryUrl: string;

const asRouter = (secret: string, now?: () => number) => createRequestSigner("router", secret, now);
/** Posts a raw body with the given (signature) headers. */
async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
}

const WAREHOUSES = JSON.stringify({ query: "{ warehouses { id code } }" });
const STOCK = JSON.stringify({
  query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { totalStock } } }`,
  variables: { r: [{ __typename: "Product", id: product.id }] },
});
const totalStock = async () =>
  (await post(inventoryUrl, STOCK, asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY)(STOCK))).body.data._entities[0].totalStock as number;
const PLACE_ORDER = `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id status } }`;
const placeOrderBody = (key: string) =>
  JSON.stringify({ query: PLACE_ORDER, variables: { input: { lines: [{ productId: product.id, quantity: 1 }] }, key } });
const asOrders = (secret = SECRETS.SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS) => createRequestSigner("orders", secret);
/** The router's headers for an order by usr_0003: the claims it signed, and a request signature that covers them. */
const asRouterForBuyer = (body: string) => {
  const claims = callerHeaders("usr_0003", { claimsKey: claimsKeys.privateKey });
  return { ...claims, ...asRouter(SECRETS.SUBGRAPH_SECRET_ORDERS)(body, claims["x-supergraph-claims"]) };
};
const reserveBody = (key: string, quantity = 2) =>
  JSON.stringify({
    query: `mutation { reserveStock(reservationKey: "${key}", items: [{ productId: "${product.id}", quantity: ${quantity} }]) { status } }`,
  });
const stockAt = async (url: string) =>
  (await post(url, STOCK, asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY)(STOCK))).body.data._entities[0].totalStock as number;

beforeAll(async () => {
  const [productsDb, inventoryDb, ordersDb, ordersDb2, expiringDb] = await Promise.all([
    createTestDatabase(productsMigrationsDir),
    createTestDatabase(inventoryMigrationsDir),
    createTestDatabase(ordersMigrationsDir),
    createTestDatabase(ordersMigrationsDir),
    createTestDatabase(inventoryMigrationsDir),
  ]);
  products = await createProductsServer(
    { config: testSubgraphConfig("products", signed("products")), db: productsDb },
    loadProductsSettings({}),
  );
  inventory = await createInventoryServer(
    {
      config: testSubgraphConfig("inventory", signed("inventory")),
      db: inventoryDb,
      logger: createLogger("inventory", "debug", { write: (line: string) => void inventoryLog.push(line) }),
    },
    loadInventorySettings({}),
  );
  await Promise.all([seedProducts(products.prisma), seedInventory(inventory.prisma)]);
  const productsUrl = `${(await products.start()).url}/graphql`;
  inventoryUrl = `${(await inventory.start()).url}/graphql`;

  const urls = { ORDERS_PRODUCTS_URL: productsUrl, ORDERS_INVENTORY_URL: inventoryUrl };
  orders = await createOrdersServer(
    { config: testSubgraphConfig("orders", signed("orders")), db: ordersDb },
    loadOrdersSettings({ ...urls, ...SECRETS }),
  );
  ordersUrl = `${(await orders.start()).url}/graphql`;
  // Orders holding a credential inventory does not know.
  const wrongKey = loadOrdersSettings({
    ...urls,
    ...SECRETS,
    SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS: "a-guessed-orders-to-inventory-secret-0000",
  });
  ordersWrongKey = await createOrdersServer({ config: testSubgraphConfig("orders", signed("orders")), db: ordersDb2 }, wrongKey);
  ordersWrongKeyUrl = `${(await ordersWrongKey.start()).url}/graphql`;
  // Inventory whose unconfirmed reservations expire after a second (swept every 200 ms).
  const { createSubgraphServer } = await import("@store/service-kit");
  expiringInventory = await createSubgraphServer(createInventoryDefinition({ reservationTtlSeconds: 1, sweepIntervalMs: 200 }), {
    config: testSubgraphConfig("inventory", signed("inventory")),
    db: expiringDb,
  });
  await seedInventory(expiringInventory.prisma);
  expiringInventoryUrl = `${(await expiringInventory.start()).url}/graphql`;
});

afterAll(async () => {
  await Promise.allSettled([orders?.stop(), ordersWrongKey?.stop()]);
  await Promise.allSettled([products?.stop(), inventory?.stop(), expiringInventory?.stop()]);
});

describe("a subgraph that requires signed requests", () => {
  it("refuses a direct, unsigned request with 401 UNAUTHENTICATED and no data", async () => {
    const { status, body } = await postGraphQL(inventoryUrl, "{ warehouses { id code } }");
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([{ message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } }]);
    // Not over GET either, where the operation would sit in the unsigned URL.
    const get = await fetch(`${inventoryUrl}?query=${encodeURIComponent("{ warehouses { id } }")}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expect(get.status).toBe(401);
  });

  it("refuses an unsigned write: a direct reserveStock moves no stock", async () => {
    const before = await totalStock();
    const { status } = await postGraphQL(
      inventoryUrl,
      `mutation { reserveStock(reservationKey: "direct-1", items: [{ productId: "${product.id}", quantity: 5 }]) { status } }`,
    );
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
    const tampered = JSON.stringify({
      query: `mutation { reserveStock(reservationKey: "tampered-1", items: [{ productId: "${product.id}", quantity: 5 }]) { status } }`,
    });
    const { status, body } = await post(inventoryUrl, tampered, headers);
    expect(status).toBe(401);
    expect(body.errors?.[0]).toMatchObject({ message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } });
  });

  it("refuses a replay later than the window, a future timestamp, another subgraph's secret and an unknown caller, all with one message", async () => {
    const late = asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY, () => Date.now() - 61_000)(WAREHOUSES);
    const future = asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY, () => Date.now() + 60_000)(WAREHOUSES);
    const products = asRouter(SECRETS.SUBGRAPH_SECRET_PRODUCTS)(WAREHOUSES);
    const stranger = createRequestSigner("reviews", SECRETS.SUBGRAPH_SECRET_INVENTORY_FROM_ORDERS)(WAREHOUSES);
    for (const headers of [late, future, products, stranger]) {
      const { status, body } = await post(inventoryUrl, WAREHOUSES, headers);
      expect(status).toBe(401);
      // Nothing that tells an outsider which callers are trusted or what the server's clock says.
      expect(body.errors).toEqual([{ message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } }]);
      expect(JSON.stringify(body)).not.toMatch(/orders|reviews|products|\d+ s|future|expired/);
    }
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
    const callers = inventoryLog
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.msg === "graphql request")
      .map((entry) => entry.caller);
    expect(callers).toContain("orders");
    expect(callers).toContain("router");
  });

  it("a replay of the router's signed placeOrder inside the signature window is refused and places nothing", async () => {
    const body = placeOrderBody("signed-order-replayed");
    const headers = asRouterForBuyer(body);
    const first = await post(ordersUrl, body, headers);
    expect(first.body.data?.placeOrder.status).toBe("CONFIRMED");
    const before = await totalStock();
    const replay = await post(ordersUrl, body, headers);
    expect(replay.status).toBe(401);
    expect(replay.body.errors?.[0]?.extensions?.code).toBe("REQUEST_REPLAYED");
    expect(await totalStock()).toBe(before);
    // Queries are not affected: the router's identical queries may share one signature.
    const query = JSON.stringify({ query: "{ __typename }" });
    const queryHeaders = asRouter(SECRETS.SUBGRAPH_SECRET_ORDERS)(query);
    expect((await post(ordersUrl, query, queryHeaders)).status).toBe(200);
    expect((await post(ordersUrl, query, queryHeaders)).status).toBe(200);
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

describe("least privilege between services", () => {
  it("a service with a credential cannot make up a user: claims it signed itself, or none signed, are refused", async () => {
    const body = JSON.stringify({ query: `{ order(id: "ord_000001") { id user { id } } }` });
    // Orders' own credential for inventory, an admin's claims the router never signed.
    const forged = { "x-supergraph-claims": encodeClaimsHeader({ id: "usr_0001", scopes: ["admin"], roles: ["admin"] }) };
    const signedByOrders = { ...forged, ...asOrders()(body, forged["x-supergraph-claims"]) };
    const { status, body: answer } = await post(inventoryUrl, body, signedByOrders);
    expect(status).toBe(401);
    expect(answer.data).toBeUndefined();
    // Even a request the router signed is refused when its claims carry no router claims signature.
    const routerSigned = { ...forged, ...asRouter(SECRETS.SUBGRAPH_SECRET_ORDERS)(body, forged["x-supergraph-claims"]) };
    const refused = await post(ordersUrl, body, routerSigned);
    expect(refused.status).toBe(401);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("a declared caller may select only the root fields of its call path", async () => {
    // orders -> inventory is for reservations: orders reading warehouses or stock is refused.
    const { status, body } = await post(inventoryUrl, STOCK, asOrders()(STOCK));
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe("SERVICE_CALL_NOT_ALLOWED");
    expect(body.data).toBeFalsy();
  });

  it("reserveStock answers orders only: the router's own signature cannot reserve", async () => {
    const before = await totalStock();
    const body = reserveBody("router-reserves-1");
    const { status, body: answer } = await post(inventoryUrl, body, asRouter(SECRETS.SUBGRAPH_SECRET_INVENTORY)(body));
    expect(answer.errors?.[0]?.extensions?.code).toBe("SERVICE_CALL_NOT_ALLOWED");
    expect(status).toBe(403);
    expect(await totalStock()).toBe(before);
  });

  it("a reservation nobody confirms gives its stock back after the TTL; a confirmed one keeps it", async () => {
    const start = await stockAt(expiringInventoryUrl);
    const forgotten = reserveBody("expiring-forgotten", 2);
    const kept = reserveBody("expiring-kept", 3);
    expect((await post(expiringInventoryUrl, forgotten, asOrders()(forgotten))).body.data.reserveStock.status).toBe("ACTIVE");
    expect((await post(expiringInventoryUrl, kept, asOrders()(kept))).body.data.reserveStock.status).toBe("ACTIVE");
    const confirm = JSON.stringify({ query: `mutation { confirmStockReservation(reservationKey: "expiring-kept") { status } }` });
    expect((await post(expiringInventoryUrl, confirm, asOrders()(confirm))).body.data.confirmStockReservation.status).toBe("CONFIRMED");
    expect(await stockAt(expiringInventoryUrl)).toBe(start - 5);
    // Wait (bounded) for the sweep: the forgotten reservation's 2 units come back, the confirmed 3 stay taken.
    for (let i = 0; i < 50 && (await stockAt(expiringInventoryUrl)) !== start - 3; i++)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await stockAt(expiringInventoryUrl)).toBe(start - 3);
    const again = JSON.stringify({ query: `mutation { confirmStockReservation(reservationKey: "expiring-forgotten") { status } }` });
    expect((await post(expiringInventoryUrl, again, asOrders()(again))).body.data.confirmStockReservation.status).toBe("RELEASED");
  });
});
