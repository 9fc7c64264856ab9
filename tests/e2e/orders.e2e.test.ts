import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { generateStore } from "@store/seed-data";
import { loginAs, tokenHeader } from "../support/auth.ts";
import { graphql, type GraphQLResult } from "../support/graphql.ts";

const routerUrl = inject("routerUrl");
const store = generateStore();

const PLACE_ORDER = `mutation ($input: PlaceOrderInput!, $key: String!) {
  placeOrder(input: $input, idempotencyKey: $key) {
    id status user { id } total { cents } subtotal { cents } shipping { cents }
    lines { quantity unitPrice { cents } product { id name } }
    shipment { trackingNumber status }
  }
}`;

const stockOf = async (productId: string): Promise<number> =>
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
      { id: productId },
    )
  ).data.product.totalStock;

/** A user's orders are theirs and staff's to read (authorization): counted with an admin's token. */
const orderCountOf = async (userId: string): Promise<number> =>
  (
    await graphql(
      routerUrl,
      `
        query ($id: ID!) {
          user(id: $id) {
            orders(first: 1) {
              totalCount
            }
          }
        }
      `,
      { id: userId },
      await asAdmin(),
    )
  ).data.user.orders.totalCount;
const asAdmin = () => tokenHeader(store.users.find((u) => u.roles.includes("admin"))!);

/** A product with stock between 1 and 99 units, found through the public graph. */
async function productWithLittleStock(skip: number): Promise<{ id: string; stock: number; priceCents: number }> {
  const candidates = store.products.slice(300 + skip * 20, 340 + skip * 20);
  for (const product of candidates) {
    const stock = await stockOf(product.id);
    if (stock > 0 && stock < 100) return { id: product.id, stock, priceCents: product.priceCents };
  }
  throw new Error("no product with a little stock in the seed");
}

describe("placing an order through the router", () => {
  // The buyer is whoever the token names: the user signs in first, as a frontend would.
  const user = store.users[20]!;
  let asUser: { authorization: string };
  let placeOrder: (variables: Record<string, unknown>) => Promise<GraphQLResult>;
  beforeAll(async () => {
    asUser = await loginAs(routerUrl, user.username);
    placeOrder = (variables) => graphql(routerUrl, PLACE_ORDER, variables, asUser);
  });

  it("reserves stock, writes the order, and a retry with the same key returns the same order", async () => {
    const product = await productWithLittleStock(0);
    const ordersBefore = await orderCountOf(user.id);
    const key = `e2e-${randomUUID()}`;
    const input = { lines: [{ productId: product.id, quantity: 2 }] };

    const first = await placeOrder({ input, key });
    expect(first.errors).toBeUndefined();
    const order = first.data.placeOrder;
    expect(order.user.id).toBe(user.id);
    expect(order.lines).toEqual([
      { quantity: 2, unitPrice: { cents: product.priceCents }, product: expect.objectContaining({ id: product.id }) },
    ]);
    expect(order.subtotal.cents).toBe(2 * product.priceCents);
    expect(order.total.cents).toBe(order.subtotal.cents + order.shipping.cents);
    expect(order.shipment.trackingNumber).toBeTruthy();
    expect(await stockOf(product.id)).toBe(product.stock - 2);

    const retry = await placeOrder({ input, key });
    expect(retry.errors).toBeUndefined();
    expect(retry.data.placeOrder.id).toBe(order.id);
    expect(await stockOf(product.id)).toBe(product.stock - 2);
    expect(await orderCountOf(user.id)).toBe(ordersBefore + 1);

    const byId = await graphql(
      routerUrl,
      `
        query ($id: ID!) {
          order(id: $id) {
            id
            total {
              cents
            }
          }
        }
      `,
      { id: order.id },
      await asAdmin(),
    );
    expect(byId.data.order).toEqual({ id: order.id, total: { cents: order.total.cents } });
  });

  it("refuses the same key with a different order", async () => {
    const key = `e2e-${randomUUID()}`;
    const product = await productWithLittleStock(3);
    const ok = await placeOrder({ input: { lines: [{ productId: product.id, quantity: 1 }] }, key });
    expect(ok.errors).toBeUndefined();
    const reused = await placeOrder({ input: { lines: [{ productId: product.id, quantity: 2 }] }, key });
    expect(reused.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await stockOf(product.id)).toBe(product.stock - 1);
  });

  it("rejects an order beyond the stock with INSUFFICIENT_STOCK and changes nothing", async () => {
    const plenty = await productWithLittleStock(1);
    const scarce = await productWithLittleStock(2);
    const ordersBefore = await orderCountOf(user.id);
    const result = await placeOrder({
      input: {
        lines: [
          { productId: plenty.id, quantity: 1 },
          { productId: scarce.id, quantity: scarce.stock + 1 },
        ],
      },
      key: `e2e-${randomUUID()}`,
    });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "INSUFFICIENT_STOCK", productId: scarce.id });
    expect(await stockOf(plenty.id)).toBe(plenty.stock);
    expect(await stockOf(scarce.id)).toBe(scarce.stock);
    expect(await orderCountOf(user.id)).toBe(ordersBefore);
  });

  it("rejects an unknown product with PRODUCT_NOT_FOUND", async () => {
    const ordersBefore = await orderCountOf(user.id);
    const result = await placeOrder({ input: { lines: [{ productId: "prd_nope", quantity: 1 }] }, key: `e2e-${randomUUID()}` });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "PRODUCT_NOT_FOUND", productId: "prd_nope" });
    expect(await orderCountOf(user.id)).toBe(ordersBefore);
  });

  it.each([
    ["a zero quantity", { lines: [{ productId: "prd_0001", quantity: 0 }] }, "k-" + randomUUID()],
    ["a negative quantity", { lines: [{ productId: "prd_0001", quantity: -3 }] }, "k-" + randomUUID()],
    ["no lines", { lines: [] }, "k-" + randomUUID()],
    ["a bad idempotency key", { lines: [{ productId: "prd_0001", quantity: 1 }] }, "x"],
  ])("rejects %s with BAD_USER_INPUT and writes nothing", async (_label, partial, key) => {
    const stockBefore = await stockOf("prd_0001");
    const ordersBefore = await orderCountOf(user.id);
    const result = await placeOrder({ input: partial, key });
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await stockOf("prd_0001")).toBe(stockBefore);
    expect(await orderCountOf(user.id)).toBe(ordersBefore);
  });
});
