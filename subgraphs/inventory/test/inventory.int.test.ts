import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import { queryEventsSettled, type RunningServer } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig } from "@store/service-kit/testing";
import { createReservation } from "../src/data/reservations.ts";
import { loadInventorySettings } from "../src/config.ts";
import { inventoryMigrationsDir } from "../src/definition.ts";
import { seedInventory } from "../src/seed.ts";
import { createServer } from "../src/server.ts";
import { estimateShipping } from "../src/shipping.ts";

let server: Awaited<ReturnType<typeof createServer>>;
let running: RunningServer;
let url: string;
const store = generateStore(seedSizesFromEnv());

beforeAll(async () => {
  server = await createServer(
    { config: testSubgraphConfig("inventory"), db: await createTestDatabase(inventoryMigrationsDir) },
    loadInventorySettings({}),
  );
  await seedInventory(server.prisma);
  running = await server.start();
  url = `${running.url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

/** A representation as the router sends it for a field with @requires(fields: "price { cents currency } weightGrams"). */
const representation = (productId: string) => {
  const product = store.products.find((p) => p.id === productId);
  return {
    __typename: "Product",
    id: productId,
    price: { __typename: "Money", cents: product?.priceCents ?? 2_500, currency: product?.currency ?? "USD" },
    weightGrams: product?.weightGrams ?? 1_200,
  };
};
const productId = (n: number) => `prd_${String(n).padStart(4, "0")}`;

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
  id inStock totalStock stock { quantity warehouse { id code name city country } } shippingEstimate { cents currency formatted }
} } }`;

const RESERVE = `mutation ($key: String!, $items: [StockReservationItemInput!]!) {
  reserveStock(reservationKey: $key, items: $items) { reservationKey status lines { productId warehouseId quantity } }
}`;
const RELEASE = `mutation ($key: String!) {
  releaseStockReservation(reservationKey: $key) { reservationKey status lines { productId warehouseId quantity } }
}`;

const reserve = (key: string, items: { productId: string; quantity: number }[]) => postGraphQL(url, RESERVE, { key, items });
const release = (key: string) => postGraphQL(url, RELEASE, { key });

/** Sets a product's stock per warehouse directly in the database (test arrangement). */
async function setStock(product: string, quantities: Record<string, number>) {
  for (const [warehouseId, quantity] of Object.entries(quantities)) {
    await server.prisma.stockLevel.update({ where: { productId_warehouseId: { productId: product, warehouseId } }, data: { quantity } });
  }
}

/** Current stock of products, as "productId/warehouseId" -> quantity. */
async function levelsOf(...productIds: string[]) {
  const rows = await server.prisma.stockLevel.findMany({ where: { productId: { in: productIds } } });
  return Object.fromEntries(rows.map((row) => [`${row.productId}/${row.warehouseId}`, row.quantity]));
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

describe("Product stock and shipping via _entities", () => {
  it("resolves stock fields and shippingEstimate from the representation, in order", async () => {
    const soldOut = store.products.find((p) => store.stockLevels.filter((l) => l.productId === p.id).every((l) => l.quantity === 0))!;
    const ids = [productId(3), soldOut.id, "prd_9999", productId(1)];
    const { body } = await postGraphQL(url, ENTITIES, { r: ids.map(representation) });
    expect(body.errors).toBeUndefined();
    const entities = body.data._entities;
    expect(entities.map((e: { id: string }) => e.id)).toEqual(ids);

    for (const [index, id] of ids.entries()) {
      const seeded = store.stockLevels.filter((l) => l.productId === id).sort((a, b) => a.warehouseId.localeCompare(b.warehouseId));
      const total = seeded.reduce((s, l) => s + l.quantity, 0);
      const entity = entities[index];
      expect(entity.totalStock).toBe(total);
      expect(entity.inStock).toBe(total > 0);
      expect(entity.stock.map((s: { warehouse: { id: string }; quantity: number }) => [s.warehouse.id, s.quantity])).toEqual(
        seeded.map((l) => [l.warehouseId, l.quantity]),
      );
      const rep = representation(id);
      expect(entity.shippingEstimate).toEqual(estimateShipping({ price: rep.price, weightGrams: rep.weightGrams }));
    }
    expect(entities[1]).toMatchObject({ id: soldOut.id, inStock: false, totalStock: 0 });
    expect(entities[2]).toMatchObject({ id: "prd_9999", inStock: false, totalStock: 0, stock: [] });
    expect(entities[0].stock[0].warehouse).toEqual({
      id: "wh_ams",
      code: "AMS",
      name: "Amsterdam Fulfilment",
      city: "Amsterdam",
      country: "NL",
    });
  });

  it("computes shippingEstimate from the representation's price and weight, free above the threshold", async () => {
    const r = [
      { __typename: "Product", id: productId(1), price: { cents: 9_999, currency: "USD" }, weightGrams: 2_001 },
      { __typename: "Product", id: productId(2), price: { cents: 10_000, currency: "USD" }, weightGrams: 20_000 },
      { __typename: "Product", id: productId(3), price: { cents: 500, currency: "EUR" }, weightGrams: 0 },
    ];
    const { body } = await postGraphQL(
      url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { shippingEstimate { cents currency formatted } } } }`,
      { r },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((e: { shippingEstimate: unknown }) => e.shippingEstimate)).toEqual([
      { cents: 949, currency: "USD", formatted: "$9.49" },
      { cents: 0, currency: "USD", formatted: "$0.00" },
      { cents: 499, currency: "EUR", formatted: "€4.99" },
    ]);
  });

  it("runs the same number of SQL statements for 5 and for 100 products", async () => {
    const statementsFor = async (count: number) => {
      const r = Array.from({ length: count }, (_, i) => representation(productId(i + 1)));
      const before = (await server.metrics.dbQueries.get()).values[0]!.value;
      const { body } = await postGraphQL(url, ENTITIES, { r });
      expect(body.errors).toBeUndefined();
      expect(body.data._entities).toHaveLength(count);
      await queryEventsSettled();
      return (await server.metrics.dbQueries.get()).values[0]!.value - before;
    };
    const five = await statementsFor(5);
    const hundred = await statementsFor(100);
    expect(five).toBe(2); // stock rows of every product, then the warehouses they name
    expect(hundred).toBe(five);
  });
});

describe("Warehouses", () => {
  it("lists every warehouse by code", async () => {
    const { body } = await postGraphQL(url, `{ warehouses { id code name city country } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.warehouses).toEqual([...store.warehouses].sort((a, b) => a.code.localeCompare(b.code)));
  });

  it("resolves Warehouse references in order, null for unknown ids, in one statement", async () => {
    const before = (await server.metrics.dbQueries.get()).values[0]!.value;
    const { body } = await postGraphQL(url, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Warehouse { id code } } }`, {
      r: [
        { __typename: "Warehouse", id: "wh_sin" },
        { __typename: "Warehouse", id: "wh_nope" },
        { __typename: "Warehouse", id: "wh_ams" },
      ],
    });
    await queryEventsSettled();
    expect(body.data._entities).toEqual([{ id: "wh_sin", code: "SIN" }, null, { id: "wh_ams", code: "AMS" }]);
    expect((await server.metrics.dbQueries.get()).values[0]!.value - before).toBe(1);
  });
});

describe("reserveStock", () => {
  it("allocates from the warehouse with the most stock first and decrements it", async () => {
    const id = productId(101);
    await setStock(id, { wh_ams: 2, wh_nyc: 10, wh_sin: 0 });
    const { body } = await reserve("ok-1", [{ productId: id, quantity: 11 }]);
    expect(body.errors).toBeUndefined();
    expect(body.data.reserveStock).toEqual({
      reservationKey: "ok-1",
      status: "ACTIVE",
      lines: [
        { productId: id, warehouseId: "wh_ams", quantity: 1 },
        { productId: id, warehouseId: "wh_nyc", quantity: 10 },
      ],
    });
    expect(await levelsOf(id)).toEqual({ [`${id}/wh_ams`]: 1, [`${id}/wh_nyc`]: 0, [`${id}/wh_sin`]: 0 });
  });

  it("merges lines of the same product", async () => {
    const id = productId(102);
    await setStock(id, { wh_ams: 5, wh_nyc: 5, wh_sin: 5 });
    const { body } = await reserve("merge-1", [
      { productId: id, quantity: 2 },
      { productId: id, quantity: 1 },
    ]);
    expect(body.errors).toBeUndefined();
    expect(body.data.reserveStock.lines).toEqual([{ productId: id, warehouseId: "wh_ams", quantity: 3 }]);
    expect(sum(await levelsOf(id))).toBe(12);
  });

  it("changes nothing when only the second item is short, and says what is missing", async () => {
    const [first, second] = [productId(103), productId(104)];
    await setStock(first, { wh_ams: 4, wh_nyc: 4, wh_sin: 4 });
    await setStock(second, { wh_ams: 1, wh_nyc: 2, wh_sin: 0 });
    const before = await levelsOf(first, second);
    const { body } = await reserve("short-1", [
      { productId: first, quantity: 10 },
      { productId: second, quantity: 4 },
    ]);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "INSUFFICIENT_STOCK", productId: second, requested: 4, available: 3 });
    expect(await levelsOf(first, second)).toEqual(before);
    expect(await server.prisma.reservation.findUnique({ where: { key: "short-1" } })).toBeNull();
    expect(await server.prisma.reservationLine.count({ where: { productId: { in: [first, second] } } })).toBe(0);
  });

  it("answers PRODUCT_NOT_FOUND for a product no warehouse stocks, changing nothing", async () => {
    const known = productId(105);
    const before = await levelsOf(known);
    const { body } = await reserve("unknown-1", [
      { productId: known, quantity: 1 },
      { productId: "prd_nope", quantity: 1 },
    ]);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "PRODUCT_NOT_FOUND", productId: "prd_nope" });
    expect(await levelsOf(known)).toEqual(before);
    expect(await server.prisma.reservation.findUnique({ where: { key: "unknown-1" } })).toBeNull();
  });

  it.each([0, -1])("rejects quantity %i with BAD_USER_INPUT, changing nothing", async (quantity) => {
    const id = productId(106);
    const before = await levelsOf(id);
    const { body } = await reserve(`bad-${quantity}`, [{ productId: id, quantity }]);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      argument: "items[0].quantity",
      problems: [{ argument: "items[0].quantity", message: `must be a positive integer, got ${quantity}` }],
    });
    expect(await levelsOf(id)).toEqual(before);
    expect(await server.prisma.reservation.findUnique({ where: { key: `bad-${quantity}` } })).toBeNull();
  });

  it("rejects an empty item list and an empty key", async () => {
    const empty = await reserve("empty-1", []);
    expect(empty.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "items" });
    const blank = await reserve("  ", [{ productId: productId(106), quantity: 1 }]);
    expect(blank.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "reservationKey" });
  });

  it("is idempotent: the same key twice moves stock once and returns the same reservation", async () => {
    const id = productId(107);
    await setStock(id, { wh_ams: 3, wh_nyc: 3, wh_sin: 3 });
    const first = await reserve("retry-1", [{ productId: id, quantity: 4 }]);
    const second = await reserve("retry-1", [{ productId: id, quantity: 4 }]);
    expect(first.body.errors).toBeUndefined();
    expect(second.body.data).toEqual(first.body.data);
    expect(sum(await levelsOf(id))).toBe(5);
    const reused = await reserve("retry-1", [{ productId: id, quantity: 1 }]);
    expect(reused.body.errors?.[0]?.extensions).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", reservationKey: "retry-1" });
    expect(sum(await levelsOf(id))).toBe(5);
  });

  it("lets exactly as many concurrent reservations succeed as there are units, never going negative", async () => {
    const id = productId(108);
    await setStock(id, { wh_ams: 2, wh_nyc: 2, wh_sin: 1 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => reserve(`race-${i}`, [{ productId: id, quantity: 1 }])));
    const succeeded = results.filter((r) => r.body.data?.reserveStock);
    const failed = results.filter((r) => r.body.errors);
    expect(succeeded).toHaveLength(5);
    expect(failed).toHaveLength(5);
    for (const r of failed)
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: "INSUFFICIENT_STOCK", productId: id, requested: 1, available: 0 });
    expect(await levelsOf(id)).toEqual({ [`${id}/wh_ams`]: 0, [`${id}/wh_nyc`]: 0, [`${id}/wh_sin`]: 0 });
    const held = await server.prisma.reservationLine.aggregate({ where: { productId: id }, _sum: { quantity: true } });
    expect(held._sum.quantity).toBe(5);
  });

  it("answers concurrent calls with one key with one reservation, moving stock once", async () => {
    const id = productId(109);
    await setStock(id, { wh_ams: 10, wh_nyc: 0, wh_sin: 0 });
    const results = await Promise.all(Array.from({ length: 6 }, () => reserve("same-key", [{ productId: id, quantity: 3 }])));
    for (const r of results) {
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.reserveStock).toEqual({
        reservationKey: "same-key",
        status: "ACTIVE",
        lines: [{ productId: id, warehouseId: "wh_ams", quantity: 3 }],
      });
    }
    expect(sum(await levelsOf(id))).toBe(7);
    expect(await server.prisma.reservation.count({ where: { key: "same-key" } })).toBe(1);
  });
  it("answers a key created between its lookup and its insert (P2002) with the existing reservation", async () => {
    const id = productId(111);
    await setStock(id, { wh_ams: 4, wh_nyc: 4, wh_sin: 4 });
    const first = await reserve("raced-1", [{ productId: id, quantity: 2 }]);
    // Skips the lookup, as a call that lost the race would have: the insert hits the unique key.
    const late = await createReservation(server.prisma, { key: "raced-1", items: [{ productId: id, quantity: 2 }] });
    expect(late.key).toBe("raced-1");
    expect(late.lines.map(({ productId, warehouseId, quantity }) => ({ productId, warehouseId, quantity }))).toEqual(
      first.body.data.reserveStock.lines,
    );
    expect(sum(await levelsOf(id))).toBe(10);
    await expect(createReservation(server.prisma, { key: "raced-1", items: [{ productId: id, quantity: 3 }] })).rejects.toMatchObject({
      extensions: { code: "IDEMPOTENCY_KEY_REUSED" },
    });
    expect(sum(await levelsOf(id))).toBe(10);
  });
});

describe("releaseStockReservation", () => {
  it("returns the stock to the warehouses it came from, once", async () => {
    const id = productId(110);
    await setStock(id, { wh_ams: 1, wh_nyc: 2, wh_sin: 3 });
    const reserved = await reserve("release-1", [{ productId: id, quantity: 5 }]);
    expect(reserved.body.errors).toBeUndefined();
    expect(await levelsOf(id)).toEqual({ [`${id}/wh_ams`]: 1, [`${id}/wh_nyc`]: 0, [`${id}/wh_sin`]: 0 });

    const { body } = await release("release-1");
    expect(body.errors).toBeUndefined();
    expect(body.data.releaseStockReservation).toEqual({ ...reserved.body.data.reserveStock, status: "RELEASED" });
    expect(await levelsOf(id)).toEqual({ [`${id}/wh_ams`]: 1, [`${id}/wh_nyc`]: 2, [`${id}/wh_sin`]: 3 });

    const again = await Promise.all([release("release-1"), release("release-1")]);
    for (const r of again) expect(r.body.data.releaseStockReservation.status).toBe("RELEASED");
    expect(sum(await levelsOf(id))).toBe(6);

    // A retry of the released reservation returns it as it is and takes nothing.
    const retried = await reserve("release-1", [{ productId: id, quantity: 5 }]);
    expect(retried.body.data.reserveStock.status).toBe("RELEASED");
    expect(sum(await levelsOf(id))).toBe(6);
  });

  it("returns null for an unknown key", async () => {
    const { body } = await release("never-reserved");
    expect(body.errors).toBeUndefined();
    expect(body.data.releaseStockReservation).toBeNull();
  });
});

describe("service", () => {
  it("answers ready on /health/ready", async () => {
    const response = await fetch(`${running.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });
});
