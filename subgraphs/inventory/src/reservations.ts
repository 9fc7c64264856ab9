import { badUserInput } from "@store/wire";
import { ErrorCode, codedError } from "./errors.ts";

/**
 * The rules of a stock reservation, free of I/O: input validation and how an item is split across
 * warehouses. The data layer runs them inside its transaction (src/data/reservations.ts).
 */

export const MAX_RESERVATION_KEY_LENGTH = 200;
export const MAX_RESERVATION_ITEMS = 100;

export interface ReservationItem {
  productId: string;
  quantity: number;
}

/** A validated request: trimmed key, one item per product (duplicates merged), in first-seen order. */
export interface ReservationRequest {
  key: string;
  items: ReservationItem[];
}

export interface StockRow {
  productId: string;
  warehouseId: string;
  quantity: number;
}

export type Allocation = StockRow;

interface Problem {
  argument: string;
  message: string;
}

/** Validates and normalises `reserveStock`'s arguments; BAD_USER_INPUT listing every problem. */
export function parseReservationRequest(reservationKey: string, items: readonly ReservationItem[]): ReservationRequest {
  const problems: Problem[] = [];
  const key = reservationKey.trim();
  if (key.length === 0) problems.push({ argument: "reservationKey", message: "must not be empty" });
  else if (key.length > MAX_RESERVATION_KEY_LENGTH) {
    problems.push({ argument: "reservationKey", message: `must be at most ${MAX_RESERVATION_KEY_LENGTH} characters` });
  }
  if (items.length === 0) problems.push({ argument: "items", message: "must contain at least one item" });
  else if (items.length > MAX_RESERVATION_ITEMS)
    problems.push({ argument: "items", message: `must contain at most ${MAX_RESERVATION_ITEMS} items` });

  const merged = new Map<string, number>();
  items.forEach((item, index) => {
    const productId = item.productId.trim();
    if (productId.length === 0) problems.push({ argument: `items[${index}].productId`, message: "must not be empty" });
    if (!Number.isInteger(item.quantity) || item.quantity <= 0) {
      problems.push({ argument: `items[${index}].quantity`, message: `must be a positive integer, got ${item.quantity}` });
    }
    merged.set(productId, (merged.get(productId) ?? 0) + item.quantity);
  });

  if (problems.length > 0) {
    throw badUserInput(`Invalid stock reservation: ${problems.map((p) => `${p.argument} ${p.message}`).join("; ")}.`, {
      argument: problems[0]!.argument,
      problems,
    });
  }
  return { key, items: [...merged].map(([productId, quantity]) => ({ productId, quantity })) };
}

/**
 * Splits every item across its product's warehouses, the warehouse with the most units first (ties
 * by warehouse id), so that a reservation touches as few warehouses as possible. Checks items in
 * request order and throws for the first that cannot be served: PRODUCT_NOT_FOUND when the product
 * has no stock rows at all, INSUFFICIENT_STOCK when its warehouses together hold too few units.
 */
export function allocateStock(items: readonly ReservationItem[], levels: readonly StockRow[]): Allocation[] {
  const byProduct = new Map<string, StockRow[]>();
  for (const level of levels) {
    const rows = byProduct.get(level.productId) ?? [];
    rows.push(level);
    byProduct.set(level.productId, rows);
  }
  const allocations: Allocation[] = [];
  for (const item of items) {
    const rows = byProduct.get(item.productId);
    if (!rows) {
      throw codedError(ErrorCode.PRODUCT_NOT_FOUND, `Product ${item.productId} is not stocked in any warehouse.`, {
        productId: item.productId,
      });
    }
    const available = rows.reduce((sum, row) => sum + Math.max(0, row.quantity), 0);
    if (available < item.quantity) {
      throw codedError(
        ErrorCode.INSUFFICIENT_STOCK,
        `Only ${available} of the ${item.quantity} requested units of ${item.productId} are in stock.`,
        { productId: item.productId, requested: item.quantity, available },
      );
    }
    let remaining = item.quantity;
    const ordered = [...rows].sort((a, b) => b.quantity - a.quantity || a.warehouseId.localeCompare(b.warehouseId));
    for (const row of ordered) {
      if (remaining === 0) break;
      const take = Math.min(remaining, row.quantity);
      if (take <= 0) continue;
      allocations.push({ productId: item.productId, warehouseId: row.warehouseId, quantity: take });
      remaining -= take;
    }
  }
  return allocations;
}

/** Whether an existing reservation holds exactly the (merged) items of a request. */
export function holdsSameItems(lines: readonly Allocation[], items: readonly ReservationItem[]): boolean {
  const held = new Map<string, number>();
  for (const line of lines) held.set(line.productId, (held.get(line.productId) ?? 0) + line.quantity);
  return held.size === items.length && items.every((item) => held.get(item.productId) === item.quantity);
}
