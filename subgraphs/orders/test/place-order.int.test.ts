/**
 * placeOrder against the REAL products and inventory subgraphs, each started in-process on its own
 * fresh database and port. Nothing is mocked: prices come over HTTP from products, stock is held
 * by inventory, and the assertions read inventory's and orders' databases directly.
 */
import { createServer as createNetServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import { createTestDatabase, postGraphQL, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import { createServer as createInventoryServer, inventoryMigrationsDir, loadInventorySettings, seedInventory } from "@store/inventory";
import { createServer as createProductsServer, loadProductsSettings, productsMigrationsDir, seedProducts } from "@store/products";
import { loadOrdersSettings } from "../src/config.ts";
import { ordersMigrationsDir } from "../src/definition.ts";
import { createServer as createOrdersServer } from "../src/server.ts";

type Server<F extends (...args: any[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

let products: Server<typeof createProductsServer>;
let inventory: Server<typeof createInventoryServer>;
let orders: Server<typeof createOrdersServer>;
/** A second orders service whose inventory URL points at a closed port. */
let ordersWithoutInventory: Server<typeof createOrdersServer>;
let productsUrl: string;
let inventoryUrl: string;
let url: string;
let urlWithoutInventory: string;

const store = generateStore(seedSizesFromEnv());
const stockTotals = new Map<string, number>();
for (const level of store.stockLevels) stockTotals.set(level.productId, (stockTotals.get(level.productId) ?? 0) + level.quantity);
const priceOf = (productId: string) => store.products.find((p) => p.id === productId)!.priceCents;
/** Products with plenty of stock, cheap and expensive, and one with a little. */
const plenty = store.products.filter((p) => stockTotals.get(p.id)! >= 60).map((p) => p.id);
const [A, B, C, D, E, F] = plenty as [string, string, string, string, string, string];
const scarce = store.products.find((p) => stockTotals.get(p.id)! > 0 && stockTotals.get(p.id)! < 20)!.id;

const PLACE_ORDER = `mutation ($input: PlaceOrderInput!, $key: String!) {
  placeOrder(input: $input, idempotencyKey: $key) {
    id status createdAt user { id }
    lines { product { id } quantity unitPrice { cents currency } lineTotal { cents } }
    subtotal { cents currency } shipping { cents } total { cents formatted }
    shipment { trackingNumber carrier status events { status description location occurredAt } }
  }
}`;

type Line = { productId: string; quantity: number };
/** Places an order as the signed-in `userId` (the claims header the router would send). */
const place = (userId: string, lines: Line[], key: string, target = url) =>
  postGraphQL(target, PLACE_ORDER, { input: { lines }, key }, callerHeaders(userId));

async function stockOf(productId: string): Promise<number> {
  const sum = await inventory.prisma.stockLevel.aggregate({ where: { productId }, _sum: { quantity: true } });
  return sum._sum.quantity ?? 0;
}
const stocks = <T extends string[]>(ids: [...T]) => Promise.all(ids.map(stockOf)) as Promise<{ [K in keyof T]: number }>;
const orderRows = (target = orders) => target.prisma.order.count();
const reservationRows = () => inventory.prisma.reservation.count();

async function closedPortUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

beforeAll(async () => {
  const [productsDb, inventoryDb, ordersDb, ordersDb2] = await Promise.all([
    createTestDatabase(productsMigrationsDir),
    createTestDatabase(inventoryMigrationsDir),
    createTestDatabase(ordersMigrationsDir),
    createTestDatabase(ordersMigrationsDir),
  ]);
  products = await createProductsServer({ config: testSubgraphConfig("products"), db: productsDb }, loadProductsSettings({}));
  inventory = await createInventoryServer({ config: testSubgraphConfig("inventory"), db: inventoryDb }, loadInventorySettings({}));
  await Promise.all([seedProducts(products.prisma), seedInventory(inventory.prisma)]);
  productsUrl = `${(await products.start()).url}/graphql`;
  inventoryUrl = `${(await inventory.start()).url}/graphql`;

  const settings = loadOrdersSettings({ ORDERS_PRODUCTS_URL: productsUrl, ORDERS_INVENTORY_URL: inventoryUrl });
  orders = await createOrdersServer({ config: testSubgraphConfig("orders"), db: ordersDb }, settings);
  url = `${(await orders.start()).url}/graphql`;

  const deadInventory = loadOrdersSettings({
    ORDERS_PRODUCTS_URL: productsUrl,
    ORDERS_INVENTORY_URL: await closedPortUrl(),
    ORDERS_UPSTREAM_TIMEOUT_MS: "2000",
  });
  ordersWithoutInventory = await createOrdersServer({ config: testSubgraphConfig("orders"), db: ordersDb2 }, deadInventory);
  urlWithoutInventory = `${(await ordersWithoutInventory.start()).url}/graphql`;

  // A write that fails for a reason other than the idempotency key, to exercise compensation.
  await orders.prisma.$executeRawUnsafe(`
    CREATE FUNCTION reject_doomed() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'orders for usr_doomed are rejected by the test'; END $$ LANGUAGE plpgsql`);
  await orders.prisma.$executeRawUnsafe(`
    CREATE TRIGGER reject_doomed BEFORE INSERT ON "Order" FOR EACH ROW
    WHEN (NEW."userId" = 'usr_doomed') EXECUTE FUNCTION reject_doomed()`);
});

afterAll(async () => {
  await Promise.allSettled([orders?.stop(), ordersWithoutInventory?.stop()]);
  await Promise.allSettled([products?.stop(), inventory?.stop()]);
});

describe("placeOrder with the real products and inventory subgraphs", () => {
  it("places an order: prices from products, totals, a shipment, and stock taken from inventory", async () => {
    const [stockA, stockB] = await stocks([A, B]);
    const { body } = await place(
      "usr_0001",
      [
        { productId: A, quantity: 2 },
        { productId: B, quantity: 1 },
      ],
      "checkout-success-1",
    );
    expect(body.errors).toBeUndefined();
    const order = body.data.placeOrder;
    expect(order).toMatchObject({ status: "CONFIRMED", user: { id: "usr_0001" } });
    expect(order.id).toMatch(/^ord_/);
    expect(Date.now() - Date.parse(order.createdAt)).toBeLessThan(60_000);

    const expectedLines = [
      [A, 2, priceOf(A)],
      [B, 1, priceOf(B)],
    ].sort();
    expect(order.lines.map((l: any) => [l.product.id, l.quantity, l.unitPrice.cents]).sort()).toEqual(expectedLines);
    const subtotal = 2 * priceOf(A) + priceOf(B);
    expect(order.subtotal).toEqual({ cents: subtotal, currency: "USD" });
    expect(order.shipping.cents).toBe(subtotal >= 5000 ? 0 : 499);
    expect(order.total.cents).toBe(subtotal + order.shipping.cents);

    expect(order.shipment).toMatchObject({ status: "LABEL_CREATED" });
    expect(["DHL", "UPS", "PostNL"]).toContain(order.shipment.carrier);
    expect(order.shipment.events).toEqual([expect.objectContaining({ status: "LABEL_CREATED", occurredAt: order.createdAt })]);

    expect(await stocks([A, B])).toEqual([stockA - 2, stockB - 1]);

    // The new order is the user's newest, and its parcel can be tracked by anyone with the number.
    const listed = await postGraphQL(
      url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders(first: 1) { edges { node { id } } } } } }`,
      {
        r: [{ __typename: "User", id: "usr_0001" }],
      },
      callerHeaders("usr_0001"),
    );
    expect(listed.body.data._entities[0].orders.edges[0].node.id).toBe(order.id);
    expect(order.shipment.trackingNumber).toMatch(/^TRK[0-9A-F]{20}$/);
    const tracked = await postGraphQL(url, `query ($n: String!) { trackShipment(trackingNumber: $n) { trackingNumber status } }`, {
      n: order.shipment.trackingNumber,
    });
    expect(tracked.body.data.trackShipment).toEqual({ trackingNumber: order.shipment.trackingNumber, status: "LABEL_CREATED" });
  });

  it("returns the same order for a retry with the same key, taking stock once", async () => {
    const lines = [
      { productId: C, quantity: 3 },
      { productId: D, quantity: 1 },
    ];
    const [stockC, stockD] = await stocks([C, D]);
    const ordersBefore = await orderRows();
    const reservationsBefore = await reservationRows();

    const first = await place("usr_0002", lines, "checkout-retry-1");
    expect(first.body.errors).toBeUndefined();
    // The same request again, and once more with its lines reordered and split (same normalized input).
    const second = await place("usr_0002", lines, "checkout-retry-1");
    const third = await place(
      "usr_0002",
      [
        { productId: D, quantity: 1 },
        { productId: C, quantity: 1 },
        { productId: C, quantity: 2 },
      ],
      "checkout-retry-1",
    );
    expect(second.body.errors).toBeUndefined();
    expect(third.body.errors).toBeUndefined();
    expect(second.body.data.placeOrder.id).toBe(first.body.data.placeOrder.id);
    expect(third.body.data.placeOrder).toEqual(first.body.data.placeOrder);

    expect(await stocks([C, D])).toEqual([stockC - 3, stockD - 1]);
    expect(await orderRows()).toBe(ordersBefore + 1);
    expect(await reservationRows()).toBe(reservationsBefore + 1);
  });

  it("keeps one order when concurrent requests share a key", async () => {
    const lines = [{ productId: E, quantity: 2 }];
    const [stockE] = await stocks([E]);
    const ordersBefore = await orderRows();
    const results = await Promise.all(Array.from({ length: 4 }, () => place("usr_0003", lines, "checkout-race-1")));
    for (const { body } of results) expect(body.errors).toBeUndefined();
    expect(new Set(results.map(({ body }) => body.data.placeOrder.id)).size).toBe(1);
    expect(await stocks([E])).toEqual([stockE - 2]);
    expect(await orderRows()).toBe(ordersBefore + 1);
  });

  it("lets the same key serve different users independently", async () => {
    const a = await place("usr_0004", [{ productId: F, quantity: 1 }], "shared-key-123");
    const b = await place("usr_0005", [{ productId: F, quantity: 1 }], "shared-key-123");
    expect(a.body.errors).toBeUndefined();
    expect(b.body.errors).toBeUndefined();
    expect(a.body.data.placeOrder.id).not.toBe(b.body.data.placeOrder.id);
  });

  it("rejects the same key with a different input: IDEMPOTENCY_KEY_REUSED, nothing changes", async () => {
    const first = await place("usr_0006", [{ productId: A, quantity: 1 }], "checkout-reuse-1");
    expect(first.body.errors).toBeUndefined();
    const [stockA, stockB] = await stocks([A, B]);
    const ordersBefore = await orderRows();
    for (const lines of [
      [{ productId: A, quantity: 2 }],
      [
        { productId: A, quantity: 1 },
        { productId: B, quantity: 1 },
      ],
    ]) {
      const { body } = await place("usr_0006", lines, "checkout-reuse-1");
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", field: "idempotencyKey" });
    }
    expect(await stocks([A, B])).toEqual([stockA, stockB]);
    expect(await orderRows()).toBe(ordersBefore);
  });

  it("fails with INSUFFICIENT_STOCK, holding nothing and writing no order", async () => {
    const available = await stockOf(scarce);
    const [stockA] = await stocks([A]);
    const ordersBefore = await orderRows();
    const reservationsBefore = await reservationRows();
    const { body } = await place(
      "usr_0007",
      [
        { productId: A, quantity: 1 },
        { productId: scarce, quantity: available + 1 },
      ],
      "checkout-nostock-1",
    );
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: "INSUFFICIENT_STOCK",
      productId: scarce,
      requested: available + 1,
      available,
    });
    expect(await stocks([A, scarce])).toEqual([stockA, available]);
    expect(await orderRows()).toBe(ordersBefore);
    expect(await reservationRows()).toBe(reservationsBefore);
    expect(await orders.prisma.order.count({ where: { userId: "usr_0007" } })).toBe(0);
  });

  it("fails with PRODUCT_NOT_FOUND for a product products does not know", async () => {
    const ordersBefore = await orderRows();
    const reservationsBefore = await reservationRows();
    const { body } = await place(
      "usr_0008",
      [
        { productId: A, quantity: 1 },
        { productId: "prd_9999", quantity: 1 },
      ],
      "checkout-unknown-1",
    );
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "PRODUCT_NOT_FOUND", productId: "prd_9999" });
    // Found missing while pricing, before inventory is asked.
    expect(body.errors?.[0]?.message).toBe("Product prd_9999 does not exist.");
    expect(await orderRows()).toBe(ordersBefore);
    expect(await reservationRows()).toBe(reservationsBefore);
  });

  it.each([
    ["quantity 0", [{ productId: "PRODUCT", quantity: 0 }], "checkout-zero-1", "input.lines[0].quantity"],
    ["no lines", [], "checkout-empty-1", "input.lines"],
    ["a bad key", [{ productId: "PRODUCT", quantity: 1 }], "bad key!", "idempotencyKey"],
  ])("rejects %s with BAD_USER_INPUT and writes nothing", async (_, lines, key, field) => {
    const [stockA] = await stocks([A]);
    const ordersBefore = await orderRows();
    const reservationsBefore = await reservationRows();
    const input = (lines as Line[]).map((line) => ({ ...line, productId: A }));
    const { body } = await place("usr_0009", input, key as string);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(await stocks([A])).toEqual([stockA]);
    expect(await orderRows()).toBe(ordersBefore);
    expect(await reservationRows()).toBe(reservationsBefore);
  });

  it("answers UNAUTHENTICATED to a caller without a viewer, reserving and writing nothing", async () => {
    const [stockA] = await stocks([A]);
    const [ordersBefore, reservationsBefore] = [await orderRows(), await reservationRows()];
    const { body } = await postGraphQL(url, PLACE_ORDER, {
      input: { lines: [{ productId: A, quantity: 1 }] },
      key: "checkout-anonymous-1",
    });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await stocks([A])).toEqual([stockA]);
    expect(await orderRows()).toBe(ordersBefore);
    expect(await reservationRows()).toBe(reservationsBefore);
  });

  it("fails with SERVICE_UNAVAILABLE when inventory is down, writing no order", async () => {
    const [stockA] = await stocks([A]);
    const { body } = await place("usr_0010", [{ productId: A, quantity: 1 }], "checkout-down-1", urlWithoutInventory);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", service: "inventory" });
    expect(await orderRows(ordersWithoutInventory)).toBe(0);
    expect(await stocks([A])).toEqual([stockA]);
  });

  it("gives the stock back when the order cannot be written, and refuses to reuse that key", async () => {
    const [stockB] = await stocks([B]);
    const failed = await place("usr_doomed", [{ productId: B, quantity: 4 }], "checkout-doomed-1");
    expect(failed.body.data).toBeNull();
    expect(failed.body.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(await stocks([B])).toEqual([stockB]);
    const reservation = await inventory.prisma.reservation.findUnique({ where: { key: "order:usr_doomed:checkout-doomed-1" } });
    expect(reservation?.status).toBe("RELEASED");
    expect(await orders.prisma.order.count({ where: { userId: "usr_doomed" } })).toBe(0);

    // A retry finds the released reservation: it must not create an order without stock behind it.
    const retry = await place("usr_doomed", [{ productId: B, quantity: 4 }], "checkout-doomed-1");
    expect(retry.body.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "idempotencyKey" });
    expect(await stocks([B])).toEqual([stockB]);
  });
});
