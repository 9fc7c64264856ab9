import { randomUUID } from "node:crypto";
import type { SeedProduct, SeedUser } from "@store/seed-data";
import { tokenHeader } from "./auth.ts";
import { graphql, type GraphQLResult } from "./graphql.ts";

/** Places a one-line order for `user` on the first of `candidates` that has stock; resolves with the order's id. */
export async function placeOneLineOrder(routerUrl: string, user: SeedUser, candidates: readonly SeedProduct[]): Promise<string> {
  for (const product of candidates) {
    const result = await graphql(
      routerUrl,
      `
        mutation ($input: PlaceOrderInput!, $key: String!) {
          placeOrder(input: $input, idempotencyKey: $key) {
            id
          }
        }
      `,
      { input: { lines: [{ productId: product.id, quantity: 1 }] }, key: randomUUID() },
      await tokenHeader(user),
    );
    if (result.data?.placeOrder) return result.data.placeOrder.id;
  }
  throw new Error("no product could be ordered");
}

/** Moves the order's shipment one step on, as `staff` (the staff-only advanceShipment mutation). */
export async function advanceShipment(routerUrl: string, staff: SeedUser, orderId: string): Promise<GraphQLResult> {
  return graphql(
    routerUrl,
    `
      mutation ($id: ID!) {
        advanceShipment(orderId: $id) {
          id
          status
        }
      }
    `,
    { id: orderId },
    await tokenHeader(staff),
  );
}
