import { describe, expect, it } from "vitest";
import { FLAT_SHIPPING_CENTS, FREE_SHIPPING_FROM_CENTS, lineTotalCents, priceOrder, shippingCentsFor } from "../src/pricing.ts";

describe("pricing", () => {
  it("multiplies unit price by quantity for a line", () => {
    expect(lineTotalCents({ unitPriceCents: 1299, quantity: 3 })).toBe(3897);
  });

  it("charges flat shipping below the threshold and none from it", () => {
    expect(FREE_SHIPPING_FROM_CENTS).toBe(5000);
    expect(shippingCentsFor(1)).toBe(FLAT_SHIPPING_CENTS);
    expect(shippingCentsFor(4999)).toBe(499);
    expect(shippingCentsFor(5000)).toBe(0);
    expect(shippingCentsFor(123_456)).toBe(0);
    expect(shippingCentsFor(0)).toBe(0);
  });

  it("totals an order as subtotal + shipping", () => {
    expect(
      priceOrder([
        { unitPriceCents: 1000, quantity: 2 },
        { unitPriceCents: 499, quantity: 1 },
      ]),
    ).toEqual({
      subtotalCents: 2499,
      shippingCents: 499,
      totalCents: 2998,
    });
    expect(priceOrder([{ unitPriceCents: 2500, quantity: 2 }])).toEqual({ subtotalCents: 5000, shippingCents: 0, totalCents: 5000 });
  });

  it("stays in integer cents", () => {
    const totals = priceOrder([
      { unitPriceCents: 33, quantity: 3 },
      { unitPriceCents: 1, quantity: 1 },
    ]);
    expect(totals).toEqual({ subtotalCents: 100, shippingCents: 499, totalCents: 599 });
    expect(Number.isInteger(totals.totalCents)).toBe(true);
  });

  it("rejects fractional or negative amounts", () => {
    expect(() => priceOrder([{ unitPriceCents: 10.5, quantity: 1 }])).toThrow(RangeError);
    expect(() => priceOrder([{ unitPriceCents: 100, quantity: -1 }])).toThrow(RangeError);
  });
});
