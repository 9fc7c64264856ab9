import type { Logger } from "@store/service-kit";
import type { InventorySettings } from "./config.ts";
import type { InventoryPrisma } from "./data/prisma.ts";
import { releaseExpiredReservations } from "./data/reservations.ts";

/**
 * Gives back the stock of reservations nobody confirmed within the TTL (a caller that reserved and
 * then failed or vanished), one sweep every interval. Returns the function that stops it, after the
 * sweep in progress, if any.
 */
export function startReservationExpiry(prisma: InventoryPrisma, settings: InventorySettings, logger: Logger): () => Promise<void> {
  let sweeping: Promise<void> | undefined;
  const sweep = async () => {
    try {
      const released = await releaseExpiredReservations(prisma, new Date(Date.now() - settings.reservationTtlSeconds * 1000));
      if (released > 0) logger.info({ released, ttlSeconds: settings.reservationTtlSeconds }, "released expired stock reservations");
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "reservation expiry sweep failed; it runs again next interval");
    }
  };
  // A sweep still running when the next is due is not doubled.
  const timer = setInterval(() => (sweeping ??= sweep().finally(() => (sweeping = undefined))), settings.sweepIntervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await sweeping;
  };
}
