import { money } from "@store/money";
import type { OrderLine as OrderLineRow } from "../data/orders.ts";
import { lineTotalCents } from "../pricing.ts";

/** A line row with its order's currency, which Order.lines adds. */
export type OrderLineParent = OrderLineRow & { currency: string };

export const OrderLine = {
  product: (line: OrderLineParent) => ({ __typename: "Product", id: line.productId }),
  unitPrice: (line: OrderLineParent) => money(line.unitPriceCents, line.currency),
  lineTotal: (line: OrderLineParent) => money(lineTotalCents(line), line.currency),
};
