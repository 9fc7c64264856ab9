/** The platform's event topics and their payloads: the one definition publishers and subscribers share. */
export const Topics = {
  /** An order or its shipment changed state. */
  orderStatusChanged: "orders.orderStatusChanged",
  /** A product's available stock changed (reservation, release, restock). */
  stockChanged: "inventory.stockChanged",
} as const;

export interface OrderStatusChangedEvent {
  orderId: string;
  status: string;
}

export interface StockChangedEvent {
  productId: string;
}
