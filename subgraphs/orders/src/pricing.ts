/**
 * How orders prices an order: pure functions over integer cents, shared by the seed and placeOrder,
 * so stored totals always follow one rule. Shipping is orders' own policy.
 */

/** Subtotal from which shipping is free: 50.00. */
export const FREE_SHIPPING_FROM_CENTS = 5000;
/** Flat shipping fee below that: 4.99. */
export const FLAT_SHIPPING_CENTS = 499;

export interface PricedLine {
  quantity: number;
  unitPriceCents: number;
}

export interface OrderTotals {
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
}

export function lineTotalCents(line: PricedLine): number {
  return line.unitPriceCents * line.quantity;
}

export function shippingCentsFor(subtotalCents: number): number {
  if (subtotalCents <= 0) return 0;
  return subtotalCents >= FREE_SHIPPING_FROM_CENTS ? 0 : FLAT_SHIPPING_CENTS;
}

export function priceOrder(lines: readonly PricedLine[]): OrderTotals {
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) throw new RangeError(`Invalid quantity ${line.quantity}`);
    if (!Number.isSafeInteger(line.unitPriceCents) || line.unitPriceCents < 0)
      throw new RangeError(`Invalid unit price ${line.unitPriceCents}`);
  }
  const subtotalCents = lines.reduce((sum, line) => sum + lineTotalCents(line), 0);
  const shippingCents = shippingCentsFor(subtotalCents);
  return { subtotalCents, shippingCents, totalCents: subtotalCents + shippingCents };
}
