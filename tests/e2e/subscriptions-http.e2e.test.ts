import { describe, expect, inject, it } from "vitest";
import { createClient as createSseClient } from "graphql-sse";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { generateStore } from "@store/seed-data";
import { tokenHeader } from "../support/auth.ts";
import { graphql } from "../support/graphql.ts";
import { advanceShipment, placeOneLineOrder } from "../support/shipments.ts";

/** SSE (graphql-sse's client, distinct connections) and multipart (Apollo Client over HttpLink), each after a real mutation. */
const routerUrl = inject("routerUrl");
const store = generateStore();
// Customers from the end of the seed: other files on the shared stack count the orders of the first ones.
const customers = store.users.filter((u) => !u.roles.includes("admin") && !u.roles.includes("staff")).slice(150);
const staff = store.users.find((u) => u.roles.includes("staff") || u.roles.includes("admin"))!;

const ORDER_EVENTS = `subscription ($id: ID!) {
  orderStatusChanged(orderId: $id) { id status lines { product { id name totalStock } } }
}`;

// Each file orders from its own products, so their stock is not another file's.
const placeOrder = (user: (typeof customers)[number]) => placeOneLineOrder(routerUrl, user, store.products.slice(200, 300));
const advance = (orderId: string) => advanceShipment(routerUrl, staff, orderId);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("subscriptions over HTTP streams", () => {
  it("graphql-sse's client receives the federated event over Server-Sent Events", async () => {
    const owner = customers[10]!;
    const orderId = await placeOrder(owner);
    const client = createSseClient({ url: routerUrl, singleConnection: false, headers: await tokenHeader(owner), retryAttempts: 0 });
    try {
      const events = client.iterate({ query: ORDER_EVENTS, variables: { id: orderId } });
      const first = events.next();
      await pause(800);
      await advance(orderId);
      const { value } = (await first) as { value: any };
      expect(value.errors).toBeUndefined();
      expect(value.data.orderStatusChanged).toMatchObject({ id: orderId, status: "SHIPPED" });
      const product = store.products.find((p) => p.id === value.data.orderStatusChanged.lines[0].product.id)!;
      expect(value.data.orderStatusChanged.lines[0].product.name).toBe(product.name);
      await events.return?.(undefined);
    } finally {
      client.dispose();
    }
  });

  it("Apollo Client's multipart subscription over HttpLink receives the federated event", async () => {
    const owner = customers[11]!;
    const orderId = await placeOrder(owner);
    const client = new ApolloClient({
      link: new HttpLink({ uri: routerUrl, headers: await tokenHeader(owner) }),
      cache: new InMemoryCache(),
    });
    const received: any[] = [];
    const subscription = client.subscribe({ query: gql(ORDER_EVENTS), variables: { id: orderId } }).subscribe({
      next: (result) => void received.push(result),
      error: (error) => void received.push({ failed: String(error) }),
    });
    try {
      await pause(800);
      await advance(orderId);
      const deadline = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < deadline) await pause(25);
      expect(received[0]?.failed).toBeUndefined();
      expect(received[0].data.orderStatusChanged).toMatchObject({ id: orderId, status: "SHIPPED" });
      expect(typeof received[0].data.orderStatusChanged.lines[0].product.totalStock).toBe("number");
    } finally {
      subscription.unsubscribe();
      client.stop();
    }
  });

  it("a plain POST of a subscription is refused with OPERATION_TYPE_NOT_SUPPORTED", async () => {
    const result = await graphql(routerUrl, ORDER_EVENTS, { id: "ord_x" }, await tokenHeader(customers[12]!));
    expect(result.errors?.[0]?.extensions?.code).toBe("OPERATION_TYPE_NOT_SUPPORTED");
  });
});
