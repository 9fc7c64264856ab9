import { describe, expect, it } from "vitest";
import { BASE_SHIPPING_CENTS, FREE_SHIPPING_THRESHOLD_CENTS, PER_STARTED_KG_CENTS, estimateShipping } from "../src/shipping.ts";

const usd = (cents: number) => ({ cents, currency: "USD" });

describe("estimateShipping", () => {
  it("is free at and above the price threshold, whatever the weight", () => {
    expect(estimateShipping({ price: usd(FREE_SHIPPING_THRESHOLD_CENTS), weightGrams: 20_000 })).toEqual({
      cents: 0,
      currency: "USD",
      formatted: "$0.00",
    });
    expect(estimateShipping({ price: usd(59_400), weightGrams: 1 }).cents).toBe(0);
  });

  it("charges the base fee plus a fee per started kilogram below the threshold", () => {
    const cost = (weightGrams: number) => estimateShipping({ price: usd(FREE_SHIPPING_THRESHOLD_CENTS - 1), weightGrams }).cents;
    expect(cost(0)).toBe(BASE_SHIPPING_CENTS);
    expect(cost(1)).toBe(BASE_SHIPPING_CENTS + PER_STARTED_KG_CENTS);
    expect(cost(1000)).toBe(BASE_SHIPPING_CENTS + PER_STARTED_KG_CENTS);
    expect(cost(1001)).toBe(BASE_SHIPPING_CENTS + 2 * PER_STARTED_KG_CENTS);
    expect(cost(2500)).toBe(499 + 3 * 150);
  });

  it("uses the price's currency and formats the amount", () => {
    expect(estimateShipping({ price: { cents: 2_000, currency: "EUR" }, weightGrams: 1_500 })).toEqual({
      cents: 799,
      currency: "EUR",
      formatted: "€7.99",
    });
  });

  it("rejects impossible inputs", () => {
    expect(() => estimateShipping({ price: usd(-1), weightGrams: 10 })).toThrow(RangeError);
    expect(() => estimateShipping({ price: usd(100), weightGrams: -5 })).toThrow(RangeError);
    expect(() => estimateShipping({ price: usd(1.5), weightGrams: 5 })).toThrow(RangeError);
  });
});
