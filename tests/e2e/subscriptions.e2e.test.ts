import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { generateStore } from "@store/seed-data";
import { bearer, mintToken, tokenHeader } from "../support/auth.ts";
import { graphql, readCounter } from "../support/graphql.ts";
import { advanceShipment, placeOneLineOrder } from "../support/shipments.ts";

const routerUrl = inject("routerUrl");
const wsUrl = routerUrl.replace(/^http/, "ws");
const store = generateStore();
// Customers from the end of the seed: other files on the shared stack count the orders of the first ones.
const customers = store.users.filter((u) => !u.roles.includes("admin") && !u.roles.includes("staff")).slice(150);
const staff = store.users.find((u) => u.roles.includes("staff") || u.roles.includes("admin"))!;

const ORDER_EVENTS = `subscription ($id: ID!) {
  orderStatusChanged(orderId: $id) {
    id status shipment { status }
    lines { quantity product { id name price { cents } totalStock reviewCount } }
  }
}`;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

function wsClient(authorization?: string, onClosed?: (code: number) => void): Client {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: authorization ? { Authorization: authorization } : {},
    on: { closed: (event) => onClosed?.((event as { code: number }).code) },
  });
  clients.push(client);
  return client;
}

// Each file orders from its own products, so their stock is not another file's.
const placeOrder = (user: (typeof customers)[number]) => placeOneLineOrder(routerUrl, user, store.products.slice(100, 200));
const advance = (orderId: string) => advanceShipment(routerUrl, staff, orderId);

/** The subscription's events, as the client receives them, and a promise of its end. */
function follow(client: Client, query: string, variables: Record<string, unknown>) {
  const events: any[] = [];
  let settle!: (value: { error?: unknown }) => void;
  const ended = new Promise<{ error?: unknown }>((resolve) => (settle = resolve));
  const stop = client.subscribe(
    { query, variables },
    {
      next: (event) => void events.push(event),
      error: (error) => settle({ error }),
      complete: () => settle({}),
    },
  );
  return { events, ended, stop };
}

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe("subscriptions over graphql-ws", () => {
  it("sends the owner a federated order event after a staff mutation moves the shipment", async () => {
    const owner = customers[3]!;
    const orderId = await placeOrder(owner);
    const client = wsClient((await tokenHeader(owner)).authorization);
    const sub = follow(client, ORDER_EVENTS, { id: orderId });
    // Live only: the subscription must be in place at the subgraph before the change.
    await until(() => false, 800).catch(() => undefined);
    const moved = await advance(orderId);
    expect(moved.errors).toBeUndefined();
    await until(() => sub.events.length >= 1);
    const event = sub.events[0];
    expect(event.errors).toBeUndefined();
    expect(event.data.orderStatusChanged).toMatchObject({ id: orderId, status: "SHIPPED", shipment: { status: "IN_TRANSIT" } });
    const line = event.data.orderStatusChanged.lines[0];
    const product = store.products.find((p) => p.id === line.product.id)!;
    // Products (name, price), inventory (stock) and reviews (count) resolved through the plan for this event.
    expect(line.product).toMatchObject({ name: product.name, price: { cents: product.priceCents } });
    expect(typeof line.product.totalStock).toBe("number");
    expect(typeof line.product.reviewCount).toBe("number");

    await advance(orderId);
    await until(() => sub.events.length >= 2);
    expect(sub.events[1].data.orderStatusChanged).toMatchObject({ status: "DELIVERED", shipment: { status: "DELIVERED" } });
  });

  it("sends stockChanged from inventory when an order reserves a product's stock, with products' fields", async () => {
    const product = store.products[150]!;
    const stockOf = async () =>
      (
        await graphql(
          routerUrl,
          `
            query ($id: ID!) {
              product(id: $id) {
                totalStock
              }
            }
          `,
          { id: product.id },
        )
      ).data.product.totalStock;
    const before = await stockOf();
    const sub = follow(wsClient(), `subscription ($ids: [ID!]!) { stockChanged(productIds: $ids) { id name totalStock } }`, {
      ids: [product.id],
    });
    await until(() => false, 800).catch(() => undefined);
    const placed = await graphql(
      routerUrl,
      `
        mutation ($input: PlaceOrderInput!, $key: String!) {
          placeOrder(input: $input, idempotencyKey: $key) {
            id
          }
        }
      `,
      { input: { lines: [{ productId: product.id, quantity: 1 }] }, key: randomUUID() },
      await tokenHeader(customers[8]!),
    );
    expect(placed.errors).toBeUndefined();
    await until(() => sub.events.length >= 1);
    expect(sub.events[0].data.stockChanged).toEqual({ id: product.id, name: product.name, totalStock: before - 1 });
  });

  it("refuses another customer's order and anonymous callers", async () => {
    const orderId = await placeOrder(customers[4]!);
    const stranger = follow(wsClient((await tokenHeader(customers[5]!)).authorization), ORDER_EVENTS, { id: orderId });
    // The owning subgraph refuses it: one result with the error, then the stream completes.
    expect(await stranger.ended).toEqual({});
    expect(stranger.events).toHaveLength(1);
    expect(stranger.events[0].errors[0].extensions.code).toBe("NOT_FOUND");

    const anonymous = follow(wsClient(), ORDER_EVENTS, { id: orderId });
    const denied = await anonymous.ended;
    expect((denied.error as any[])[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("closes with 4403 when connection_init carries a token that does not verify", async () => {
    let code: number | undefined;
    const client = wsClient("Bearer not-a-token", (c) => (code = c));
    const sub = follow(client, ORDER_EVENTS, { id: "ord_x" });
    await sub.ended;
    expect(code).toBe(4403);
  });

  it("ends the subscription with TOKEN_EXPIRED when the token expires", async () => {
    const owner = customers[6]!;
    const orderId = await placeOrder(owner);
    const token = await mintToken({ sub: owner.id, scope: "orders:read", roles: [], exp: Math.floor(Date.now() / 1000) + 2 });
    const sub = follow(wsClient(bearer(token).authorization), ORDER_EVENTS, { id: orderId });
    const ended = await sub.ended;
    expect({ ended, events: sub.events }).toMatchObject({ ended: {}, events: [{ errors: [{ extensions: { code: "TOKEN_EXPIRED" } }] }] });
  });

  it("frees a closed connection's subscriptions (the active gauge comes back down)", async () => {
    const owner = customers[7]!;
    const orderId = await placeOrder(owner);
    const before = await readCounter(routerUrl, "router_subscriptions_active", { transport: "websocket" });
    const client = wsClient((await tokenHeader(owner)).authorization);
    follow(client, ORDER_EVENTS, { id: orderId });
    follow(client, ORDER_EVENTS, { id: orderId });
    await until(() => false, 800).catch(() => undefined);
    expect(await readCounter(routerUrl, "router_subscriptions_active", { transport: "websocket" })).toBe(before + 2);
    await client.dispose();
    await until(() => false, 500).catch(() => undefined);
    expect(await readCounter(routerUrl, "router_subscriptions_active", { transport: "websocket" })).toBe(before);
  });
});

describe("graphql-transport-ws protocol errors", () => {
  /** A raw socket: sends `messages` in order and resolves with the close code. */
  const closeCodeAfter = (messages: unknown[]) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(wsUrl, "graphql-transport-ws");
      socket.on("open", () => {
        for (const message of messages) socket.send(typeof message === "string" ? message : JSON.stringify(message));
      });
      socket.on("close", (code) => resolve(code));
      socket.on("error", reject);
    });
  const subscribe = (id: string) => ({
    id,
    type: "subscribe",
    payload: { query: 'subscription { orderStatusChanged(orderId: "x") { id } }' },
  });

  it("4400 for a message that is not the protocol's", async () => {
    expect(await closeCodeAfter(["not json"])).toBe(4400);
  });
  it("4401 for subscribe before connection_init", async () => {
    expect(await closeCodeAfter([subscribe("1")])).toBe(4401);
  });
  it("4429 for a second connection_init", async () => {
    expect(await closeCodeAfter([{ type: "connection_init" }, { type: "connection_init" }])).toBe(4429);
  });
  it("1009 for an oversize message", async () => {
    expect(await closeCodeAfter([{ type: "connection_init" }, "x".repeat(70_000)])).toBe(1009);
  });
});
