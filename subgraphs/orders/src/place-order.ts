import { randomBytes } from "node:crypto";
import { ErrorCode, badUserInput, codedError } from "@store/wire";
import type { Logger, SubgraphClient } from "@store/service-kit";
import { createOrder, orderByIdempotencyKey, type Order } from "./data/orders.ts";
import { isUniqueViolation, type OrdersPrisma } from "./data/prisma.ts";
import { normalizePlaceOrder, type PlaceOrderInput, type PlaceOrderRequest } from "./order-input.ts";
import { priceOrder } from "./pricing.ts";
import { newTrackingNumber } from "./tracking-numbers.ts";

/**
 * placeOrder, the one write path of orders:
 *   validate -> replay an earlier attempt with the same key -> price (products) -> reserve stock
 *   (inventory) -> write order + lines + shipment + first event in one transaction -> confirm the
 *   reservation.
 * Nothing is written before stock is held, and a failed write hands the stock back. A reservation
 * never confirmed (orders failed or vanished in between) goes back by itself after inventory's TTL.
 * Retries reuse the reservation key derived from (userId, idempotencyKey), so inventory never holds
 * stock twice. Calls forward the router's signed claims of the buyer unchanged.
 */

export interface PlaceOrderDeps {
  prisma: OrdersPrisma;
  products: SubgraphClient;
  inventory: SubgraphClient;
  /** The router's signed claims of the request being served (forwardableClaims). */
  claims?: Record<string, string>;
  logger?: Logger;
}

const RESERVE_STOCK = `mutation ($key: String!, $items: [StockReservationItemInput!]!) {
  reserveStock(reservationKey: $key, items: $items) { reservationKey status }
}`;
const RELEASE_STOCK = `mutation ($key: String!) { releaseStockReservation(reservationKey: $key) { reservationKey status } }`;
const CONFIRM_STOCK = `mutation ($key: String!) { confirmStockReservation(reservationKey: $key) { reservationKey status } }`;

export const CARRIERS = ["DHL", "UPS", "PostNL"] as const;

export const reservationKeyFor = (userId: string, idempotencyKey: string) => `order:${userId}:${idempotencyKey}`;

/** Places an order for `userId`, the signed-in viewer. */
export async function placeOrder(deps: PlaceOrderDeps, userId: string, input: PlaceOrderInput, idempotencyKey: string): Promise<Order> {
  const request = normalizePlaceOrder(userId, input, idempotencyKey);

  const earlier = await orderByIdempotencyKey(deps.prisma, request.userId, request.idempotencyKey);
  if (earlier) {
    const order = replay(earlier, request);
    // The first attempt may have stopped before its confirmation went through.
    await confirmReservation(deps, reservationKeyFor(request.userId, request.idempotencyKey));
    return order;
  }

  const priced = await priceLines(deps.products, request, deps.claims);
  const totals = priceOrder(priced.lines);

  const reservationKey = reservationKeyFor(request.userId, request.idempotencyKey);
  const { reserveStock } = await deps.inventory.request<{ reserveStock: { reservationKey: string; status: string } }>(
    RESERVE_STOCK,
    { key: reservationKey, items: request.lines },
    deps.claims,
  );
  if (reserveStock.status === "RELEASED") {
    // An earlier attempt with this key failed to write its order and gave the stock back.
    throw codedError(
      ErrorCode.CONFLICT,
      "An earlier attempt with this idempotencyKey failed and its stock was released; place the order again with a new key.",
      { field: "idempotencyKey", reservationStatus: reserveStock.status },
    );
  }

  const now = new Date();
  const shipmentId = `shp_${randomBytes(10).toString("hex")}`;
  let order: Order;
  try {
    order = await createOrder(deps.prisma, {
      id: `ord_${randomBytes(10).toString("hex")}`,
      userId: request.userId,
      currency: priced.currency,
      ...totals,
      idempotencyKey: request.idempotencyKey,
      requestHash: request.requestHash,
      createdAt: now,
      lines: priced.lines,
      shipment: {
        id: shipmentId,
        trackingNumber: newTrackingNumber(),
        carrier: CARRIERS[randomBytes(1)[0]! % CARRIERS.length]!,
        status: "LABEL_CREATED",
        firstEvent: { status: "LABEL_CREATED", description: "Shipping label created", location: "Fulfilment centre", occurredAt: now },
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      // A concurrent attempt with the same key won the race; its order is the answer, and the
      // reservation (same key) is its reservation: do not release it.
      const winner = await orderByIdempotencyKey(deps.prisma, request.userId, request.idempotencyKey);
      if (winner) return replay(winner, request);
    }
    // Compensation: the stock is held for an order that does not exist.
    try {
      await deps.inventory.request(RELEASE_STOCK, { key: reservationKey }, deps.claims);
    } catch (releaseError) {
      throw new Error(
        `Writing order failed (${(error as Error).message}) and releasing stock reservation ${reservationKey} failed too (${(releaseError as Error).message}).`,
        { cause: error },
      );
    }
    throw error;
  }
  await confirmReservation(deps, reservationKey);
  return order;
}

/**
 * Confirms the order's reservation so that inventory keeps its stock taken. The order is recorded
 * either way: a confirmation that fails is logged, and a retry of the order (same key) confirms
 * again, well inside the TTL (minutes) in which an unconfirmed reservation still holds its stock.
 */
async function confirmReservation(deps: PlaceOrderDeps, reservationKey: string): Promise<void> {
  try {
    const { confirmStockReservation } = await deps.inventory.request<{ confirmStockReservation: { status: string } | null }>(
      CONFIRM_STOCK,
      { key: reservationKey },
      deps.claims,
    );
    if (confirmStockReservation?.status !== "CONFIRMED") {
      deps.logger?.error(
        { reservationKey, status: confirmStockReservation?.status ?? null },
        "an order's stock reservation could not be confirmed: it expired or is unknown",
      );
    }
  } catch (error) {
    deps.logger?.warn(
      { reservationKey, err: (error as Error).message },
      "confirming an order's stock reservation failed; a retry of the order confirms it again",
    );
  }
}

/** The earlier order for a retry; IDEMPOTENCY_KEY_REUSED when the key came with a different input. */
function replay(order: Order, request: PlaceOrderRequest): Order {
  if (order.requestHash !== request.requestHash) {
    throw codedError(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This idempotencyKey was already used for a different order.", {
      field: "idempotencyKey",
      orderId: order.id,
    });
  }
  return order;
}

interface PricedProduct {
  id: string;
  price: { cents: number; currency: string } | null;
}

/** Current prices from the products service; PRODUCT_NOT_FOUND for an id it does not know. */
async function priceLines(products: SubgraphClient, request: PlaceOrderRequest, claims?: Record<string, string>) {
  const ids = request.lines.map((line) => line.productId);
  const found = await products.entities<PricedProduct>("Product", ids, "id price { cents currency }", claims);
  const lines = request.lines.map((line, index) => {
    const product = found[index];
    if (!product?.price) {
      throw codedError(ErrorCode.PRODUCT_NOT_FOUND, `Product ${line.productId} does not exist.`, { productId: line.productId });
    }
    return { productId: line.productId, quantity: line.quantity, unitPriceCents: product.price.cents, currency: product.price.currency };
  });
  const currencies = new Set(lines.map((line) => line.currency));
  if (currencies.size > 1) {
    throw badUserInput(`The products are priced in different currencies (${[...currencies].join(", ")}); order them separately.`, {
      field: "input.lines",
    });
  }
  return { currency: lines[0]!.currency, lines: lines.map(({ currency: _, ...line }) => line) };
}
