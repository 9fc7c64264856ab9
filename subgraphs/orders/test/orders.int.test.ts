import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import { queryEventsSettled, type RunningServer } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import { loadOrdersSettings } from "../src/config.ts";
import { ordersMigrationsDir } from "../src/definition.ts";
import { seedOrders } from "../src/seed.ts";
import { createServer } from "../src/server.ts";

let server: Awaited<ReturnType<typeof createServer>>;
let running: RunningServer;
let url: string;
const store = generateStore(seedSizesFromEnv());

const USER_ORDERS = `query ($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on User { id orders(first: $first, after: $after) { totalCount edges { cursor node { id createdAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
  }
}`;

const userRef = (id: string) => ({ __typename: "User", id });
/** The claims of a staff member (admin role), who may read every user's orders. */
const asStaff = callerHeaders("usr_0001", { roles: ["admin"] });
/** The seeded shipment of an order as stored: its tracking number is random, not part of the seed data. */
const storedShipment = (orderId: string) => server.prisma.shipment.findUniqueOrThrow({ where: { orderId } });

async function dbStatements(work: () => Promise<unknown>): Promise<number> {
  await queryEventsSettled();
  const before = (await server.metrics.dbQueries.get()).values[0]!.value;
  await work();
  await queryEventsSettled();
  return (await server.metrics.dbQueries.get()).values[0]!.value - before;
}

beforeAll(async () => {
  // Query tests never call products or inventory; the default URLs are never contacted.
  server = await createServer(
    { config: testSubgraphConfig("orders"), db: await createTestDatabase(ordersMigrationsDir) },
    loadOrdersSettings({}),
  );
  expect(await seedOrders(server.prisma)).toBe(true);
  expect(await seedOrders(server.prisma)).toBe(false);
  running = await server.start();
  url = `${running.url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

describe("orders subgraph: queries", () => {
  it("seeds every order with its lines, shipment and events", async () => {
    expect(await server.prisma.order.count()).toBe(store.orders.length);
    expect(await server.prisma.orderLine.count()).toBe(store.orders.reduce((n, o) => n + o.lines.length, 0));
    expect(await server.prisma.shipment.count()).toBe(store.orders.length);
    expect(await server.prisma.trackingEvent.count()).toBe(store.orders.reduce((n, o) => n + o.shipment.events.length, 0));
  });

  it("gives every seeded shipment its own random tracking number", async () => {
    const numbers = (await server.prisma.shipment.findMany({ select: { trackingNumber: true } })).map((s) => s.trackingNumber);
    expect(new Set(numbers).size).toBe(store.orders.length);
    for (const number of numbers) expect(number).toMatch(/^TRK[0-9A-F]{20}$/);
  });

  it("pages through a user's orders newest first, with a total", async () => {
    const userId = "usr_0001";
    const expected = store.orders
      .filter((o) => o.userId === userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((o) => o.id);
    expect(expected.length).toBeGreaterThan(4);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: { data?: any; errors?: unknown } } = await postGraphQL(
        url,
        USER_ORDERS,
        { r: [userRef(userId)], first: 3, after },
        callerHeaders(userId),
      );
      expect(body.errors).toBeUndefined();
      const orders: { totalCount: number; edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: any } =
        body.data._entities[0].orders;
      expect(orders.totalCount).toBe(expected.length);
      expect(orders.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(orders.edges.length).toBeLessThanOrEqual(3);
      for (const edge of orders.edges) seen.push(edge.node.id);
      expect(orders.pageInfo.endCursor).toBe(orders.edges.at(-1)?.cursor ?? null);
      after = orders.pageInfo.hasNextPage ? orders.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 3));
  });

  it("gives each user only their own orders when many users are asked at once", async () => {
    const ids = ["usr_0003", "usr_9999", "usr_0002"];
    const { body } = await postGraphQL(url, USER_ORDERS, { r: ids.map(userRef), first: 2 }, asStaff);
    expect(body.errors).toBeUndefined();
    const [u3, unknown, u2] = body.data._entities;
    expect(u3.id).toBe("usr_0003");
    expect(unknown.orders).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    for (const [user, id] of [
      [u3, "usr_0003"],
      [u2, "usr_0002"],
    ] as const) {
      const own = store.orders.filter((o) => o.userId === id);
      expect(user.orders.totalCount).toBe(own.length);
      expect(user.orders.edges).toHaveLength(Math.min(2, own.length));
      for (const edge of user.orders.edges) expect(own.some((o) => o.id === edge.node.id)).toBe(true);
      const times = user.orders.edges.map((e: { node: { createdAt: string } }) => e.node.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
    }
  });

  it("rejects a forged cursor and an oversized page with BAD_USER_INPUT", async () => {
    const forged = Buffer.from(JSON.stringify(["yesterday", "ord_00001"])).toString("base64url");
    for (const variables of [{ after: "not-a-cursor" }, { after: forged }, { first: 51 }, { first: -1 }]) {
      const { body } = await postGraphQL(url, USER_ORDERS, { r: [userRef("usr_0001")], ...variables }, callerHeaders("usr_0001"));
      expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("returns an order with lines and consistent totals", async () => {
    const seed = store.orders[0]!;
    const { body } = await postGraphQL(
      url,
      `query ($id: ID!) { order(id: $id) { id status createdAt user { id }
        lines { product { id } quantity unitPrice { cents currency formatted } lineTotal { cents } }
        subtotal { cents currency formatted } shipping { cents } total { cents formatted }
        shipment { trackingNumber carrier status order { id } } } }`,
      { id: seed.id },
      callerHeaders(seed.userId),
    );
    expect(body.errors).toBeUndefined();
    const order = body.data.order;
    expect(order).toMatchObject({ id: seed.id, status: seed.status, createdAt: seed.createdAt.toISOString(), user: { id: seed.userId } });
    expect(order.lines.map((l: any) => [l.product.id, l.quantity, l.unitPrice.cents])).toEqual(
      seed.lines.map((l) => [l.productId, l.quantity, l.unitPriceCents]),
    );
    for (const line of order.lines) expect(line.lineTotal.cents).toBe(line.unitPrice.cents * line.quantity);
    const subtotal = order.lines.reduce((sum: number, l: any) => sum + l.lineTotal.cents, 0);
    expect(order.subtotal).toMatchObject({ cents: subtotal, currency: "USD" });
    expect(order.shipping.cents).toBe(subtotal >= 5000 ? 0 : 499);
    expect(order.total.cents).toBe(order.subtotal.cents + order.shipping.cents);
    expect(order.total.formatted).toBe(`$${(order.total.cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`);
    const { trackingNumber } = await storedShipment(seed.id);
    expect(order.shipment).toEqual({
      trackingNumber,
      carrier: seed.shipment.carrier,
      status: seed.shipment.status,
      order: { id: seed.id },
    });
  });

  it("has total = subtotal + shipping on every order of a page", async () => {
    const { body } = await postGraphQL(
      url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders(first: 50) { edges { node {
        lines { lineTotal { cents } } subtotal { cents } shipping { cents } total { cents } } } } } } }`,
      { r: ["usr_0004", "usr_0005", "usr_0006"].map(userRef) },
      asStaff,
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data._entities.flatMap((u: any) => u.orders.edges.map((e: any) => e.node));
    expect(nodes.length).toBeGreaterThan(10);
    for (const node of nodes) {
      expect(node.subtotal.cents).toBe(node.lines.reduce((sum: number, l: any) => sum + l.lineTotal.cents, 0));
      expect(node.total.cents).toBe(node.subtotal.cents + node.shipping.cents);
    }
  });

  it("shows an order to its owner and staff only: someone else's answers null, like an unknown id", async () => {
    const seed = store.orders[0]!;
    const query = `query ($id: ID!) { order(id: $id) { id } }`;
    const stranger = store.users.find((u) => u.id !== seed.userId && !u.roles.includes("admin"))!;
    expect((await postGraphQL(url, query, { id: seed.id }, callerHeaders(seed.userId))).body.data.order).toEqual({ id: seed.id });
    expect((await postGraphQL(url, query, { id: seed.id }, callerHeaders(stranger.id))).body).toEqual({ data: { order: null } });
    expect((await postGraphQL(url, query, { id: seed.id }, callerHeaders(stranger.id, { roles: ["admin"] }))).body.data.order).toEqual({
      id: seed.id,
    });
    const anonymous = await postGraphQL(url, query, { id: seed.id });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("returns null for an unknown order id and resolves Order references in order (for staff)", async () => {
    const { body } = await postGraphQL(url, `{ order(id: "ord_99999") { id } }`, {}, callerHeaders("usr_0001"));
    expect(body.errors).toBeUndefined();
    expect(body.data.order).toBeNull();
    const refs = await postGraphQL(
      url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`,
      {
        r: [
          { __typename: "Order", id: "ord_00002" },
          { __typename: "Order", id: "ord_nope" },
          { __typename: "Order", id: "ord_00001" },
        ],
      },
      asStaff,
    );
    expect(refs.body.data._entities.map((o: { id: string } | null) => o?.id ?? null)).toEqual(["ord_00002", null, "ord_00001"]);
  });

  it("tracks a shipment with its events in time order, for anyone holding the number", async () => {
    const seed = store.orders.find((o) => o.shipment.events.length >= 4)!;
    const { trackingNumber } = await storedShipment(seed.id);
    const { body } = await postGraphQL(
      url,
      `query ($n: String!) { trackShipment(trackingNumber: $n) { trackingNumber carrier status events { status description location occurredAt } } }`,
      { n: trackingNumber },
    );
    expect(body.errors).toBeUndefined();
    const shipment = body.data.trackShipment;
    expect(shipment).toMatchObject({ trackingNumber, carrier: seed.shipment.carrier, status: seed.shipment.status });
    expect(shipment.events).toEqual(seed.shipment.events.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })));
    const times = shipment.events.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(shipment.events[0].status).toBe("LABEL_CREATED");
  });

  it("returns null for an unknown tracking number", async () => {
    const { body } = await postGraphQL(url, `{ trackShipment(trackingNumber: "TRK-NOPE") { trackingNumber } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.trackShipment).toBeNull();
  });

  it("runs the same number of SQL statements for 5 or 100 users' nested orders", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders(first: 3) { totalCount edges { node {
      total { formatted } lines { quantity unitPrice { cents } product { id } } shipment { trackingNumber events { status } } } } } } } }`;
    const statementsFor = (count: number) =>
      dbStatements(async () => {
        const r = Array.from({ length: count }, (_, i) => userRef(`usr_${String(i + 1).padStart(4, "0")}`));
        const { body } = await postGraphQL(url, query, { r }, asStaff);
        expect(body.errors).toBeUndefined();
        expect(body.data._entities).toHaveLength(count);
        const orders = body.data._entities.flatMap((u: any) => u.orders.edges);
        expect(orders.length).toBeGreaterThan(count * 2);
        for (const { node } of orders) expect(node.shipment.events.length).toBeGreaterThan(0);
      });
    const five = await statementsFor(5);
    const hundred = await statementsFor(100);
    // orders page, counts, lines, shipments, events.
    expect(five).toBe(5);
    expect(hundred).toBe(five);
  });

  it("answers ready on /health/ready", async () => {
    const response = await fetch(`${running.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });
});
