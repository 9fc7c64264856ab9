import { createHash } from "node:crypto";
import { badUserInput } from "@store/wire";

/** Limits placeOrder enforces before anything is read or written. */
export const MAX_LINES = 50;
export const MAX_QUANTITY = 100;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,100}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface PlaceOrderInput {
  lines: Array<{ productId: string; quantity: number }>;
}

/** A validated request: duplicate products merged, lines sorted by product id. */
export interface PlaceOrderRequest {
  userId: string;
  idempotencyKey: string;
  lines: Array<{ productId: string; quantity: number }>;
  /** sha256 (hex) of the normalized input: equal for retries, different for a reused key. */
  requestHash: string;
}

/**
 * Validates and normalizes placeOrder's arguments for the buyer (the signed-in viewer);
 * BAD_USER_INPUT with `extensions.field` otherwise.
 */
export function normalizePlaceOrder(userId: string, input: PlaceOrderInput, idempotencyKey: string): PlaceOrderRequest {
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw badUserInput("idempotencyKey must be 8 to 100 characters of A-Z, a-z, 0-9, _ and -.", { field: "idempotencyKey" });
  }
  if (input.lines.length === 0) throw badUserInput("An order needs at least one line.", { field: "input.lines" });
  if (input.lines.length > MAX_LINES) {
    throw badUserInput(`An order has at most ${MAX_LINES} lines.`, { field: "input.lines", max: MAX_LINES });
  }
  const merged = new Map<string, number>();
  input.lines.forEach((line, index) => {
    if (!ID.test(line.productId)) {
      throw badUserInput("productId must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -.", { field: `input.lines[${index}].productId` });
    }
    const quantity = line.quantity;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw badUserInput(`quantity must be a whole number from 1 to ${MAX_QUANTITY}.`, {
        field: `input.lines[${index}].quantity`,
        max: MAX_QUANTITY,
      });
    }
    const total = (merged.get(line.productId) ?? 0) + quantity;
    if (total > MAX_QUANTITY) {
      throw badUserInput(`Lines for ${line.productId} add up to ${total} units; at most ${MAX_QUANTITY} per product.`, {
        field: `input.lines[${index}].quantity`,
        productId: line.productId,
        max: MAX_QUANTITY,
      });
    }
    merged.set(line.productId, total);
  });
  const lines = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
  const requestHash = createHash("sha256")
    .update(JSON.stringify({ userId, lines: lines.map((line) => [line.productId, line.quantity]) }))
    .digest("hex");
  return { userId, idempotencyKey, lines, requestHash };
}
