import { requireCallingService } from "@store/wire";
import type { InventoryContext } from "../context.ts";
import { confirmReservation, releaseReservation, reserveStock } from "../data/reservations.ts";
import { parseReservationRequest, type ReservationItem } from "../reservations.ts";
import { publishStockChanged } from "../stock-events.ts";

/** Internal mutations (@inaccessible): only the orders service calls them, on this subgraph directly. */
export const Mutation = {
  reserveStock: async (_: unknown, args: { reservationKey: string; items: ReservationItem[] }, ctx: InventoryContext) => {
    requireCallingService(ctx.callingService, "orders", "reserve stock");
    const request = parseReservationRequest(args.reservationKey, args.items);
    const reservation = await reserveStock(ctx.prisma, request);
    await publishStockChanged(ctx.events, reservation.lines);
    return reservation;
  },
  confirmStockReservation: (_: unknown, args: { reservationKey: string }, ctx: InventoryContext) => {
    requireCallingService(ctx.callingService, "orders", "confirm stock reservations");
    return confirmReservation(ctx.prisma, args.reservationKey.trim());
  },
  releaseStockReservation: async (_: unknown, args: { reservationKey: string }, ctx: InventoryContext) => {
    requireCallingService(ctx.callingService, "orders", "release stock reservations");
    const released = await releaseReservation(ctx.prisma, args.reservationKey.trim());
    if (released) await publishStockChanged(ctx.events, released.lines);
    return released;
  },
};
