import type { InventoryContext } from "../context.ts";
import { releaseReservation, reserveStock } from "../data/reservations.ts";
import { parseReservationRequest, type ReservationItem } from "../reservations.ts";

/** Internal mutations (@inaccessible): the orders service calls them on this subgraph directly. */
export const Mutation = {
  reserveStock: (_: unknown, args: { reservationKey: string; items: ReservationItem[] }, ctx: InventoryContext) =>
    reserveStock(ctx.prisma, parseReservationRequest(args.reservationKey, args.items)),
  releaseStockReservation: (_: unknown, args: { reservationKey: string }, ctx: InventoryContext) =>
    releaseReservation(ctx.prisma, args.reservationKey.trim()),
};
