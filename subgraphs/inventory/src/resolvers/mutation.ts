import { requireCallingService } from "@store/wire";
import type { InventoryContext } from "../context.ts";
import { confirmReservation, releaseReservation, reserveStock } from "../data/reservations.ts";
import { parseReservationRequest, type ReservationItem } from "../reservations.ts";

/** Internal mutations (@inaccessible): only the orders service calls them, on this subgraph directly. */
export const Mutation = {
  reserveStock: (_: unknown, args: { reservationKey: string; items: ReservationItem[] }, ctx: InventoryContext) => {
    requireCallingService(ctx.callingService, "orders", "reserve stock");
    return reserveStock(ctx.prisma, parseReservationRequest(args.reservationKey, args.items));
  },
  confirmStockReservation: (_: unknown, args: { reservationKey: string }, ctx: InventoryContext) => {
    requireCallingService(ctx.callingService, "orders", "confirm stock reservations");
    return confirmReservation(ctx.prisma, args.reservationKey.trim());
  },
  releaseStockReservation: (_: unknown, args: { reservationKey: string }, ctx: InventoryContext) => {
    requireCallingService(ctx.callingService, "orders", "release stock reservations");
    return releaseReservation(ctx.prisma, args.reservationKey.trim());
  },
};
