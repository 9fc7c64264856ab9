import { money, type Money } from "@store/money";

/** Orders of at least this price (in the price's minor unit) ship free. */
export const FREE_SHIPPING_THRESHOLD_CENTS = 10_000;
/** Flat handling fee of every paid shipment, in minor units. */
export const BASE_SHIPPING_CENTS = 499;
/** Added per started kilogram (1 g to 1000 g counts as one), in minor units. */
export const PER_STARTED_KG_CENTS = 150;

/** What the router sends through `@requires(fields: "price { cents currency } weightGrams")`. */
export interface ShippingInput {
  price: { cents: number; currency: string };
  weightGrams: number;
}

/**
 * Estimated cost of shipping one unit: free at or above the threshold, otherwise a base fee plus a
 * fee per started kilogram. The currency is the price's. Pure: no I/O, same input, same output.
 */
export function estimateShipping({ price, weightGrams }: ShippingInput): Money {
  if (!Number.isInteger(price.cents) || price.cents < 0)
    throw new RangeError(`price.cents must be a non-negative integer, got ${price.cents}`);
  if (!Number.isInteger(weightGrams) || weightGrams < 0)
    throw new RangeError(`weightGrams must be a non-negative integer, got ${weightGrams}`);
  if (price.cents >= FREE_SHIPPING_THRESHOLD_CENTS) return money(0, price.currency);
  const startedKilograms = Math.ceil(weightGrams / 1000);
  return money(BASE_SHIPPING_CENTS + PER_STARTED_KG_CENTS * startedKilograms, price.currency);
}
