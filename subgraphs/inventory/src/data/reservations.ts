import { ErrorCode, codedError } from "@store/wire";
import {
  isUniqueViolation,
  Prisma,
  type Reservation,
  type ReservationLine,
  type ReservationStatus,
  type InventoryPrisma,
} from "./prisma.ts";
import { allocateStock, holdsSameItems, type ReservationRequest, type StockRow } from "../reservations.ts";

export type ReservationWithLines = Reservation & { lines: ReservationLine[] };

/**
 * Interactive transactions here are short and DB-only. PGlite runs them one at a time, so a burst of
 * reservations queues; allow it some time before giving up (Prisma's default maxWait is 2 s).
 */
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 5_000 } as const;

const orderedLines = { lines: { orderBy: [{ productId: "asc" }, { warehouseId: "asc" }] } } satisfies Prisma.ReservationInclude;

export function findReservation(prisma: InventoryPrisma, key: string): Promise<ReservationWithLines | null> {
  return prisma.reservation.findUnique({ where: { key }, include: orderedLines });
}

/** An existing reservation answers a retry, provided the retry asks for the same items. */
function replay(existing: ReservationWithLines, request: ReservationRequest): ReservationWithLines {
  if (!holdsSameItems(existing.lines, request.items)) {
    throw codedError(ErrorCode.IDEMPOTENCY_KEY_REUSED, `Reservation key "${request.key}" was already used for different items.`, {
      reservationKey: request.key,
    });
  }
  return existing;
}

/**
 * Holds stock for every item or for none. Steps, in one transaction: insert the reservation (its
 * unique key makes a concurrent duplicate wait here, then fail with P2002), lock the products' stock
 * rows in a fixed order (no deadlocks between reservations), allocate, decrement with guarded
 * updates, write the lines. Any error rolls everything back.
 */
export async function reserveStock(prisma: InventoryPrisma, request: ReservationRequest): Promise<ReservationWithLines> {
  const existing = await findReservation(prisma, request.key);
  return existing ? replay(existing, request) : createReservation(prisma, request);
}

/**
 * The transaction of reserveStock, for a key that was not found a moment ago. When another call
 * created it in between, the unique key makes this one fail with P2002 and it answers with the
 * winner's reservation instead (exported so tests can take this path deterministically).
 */
export async function createReservation(prisma: InventoryPrisma, request: ReservationRequest): Promise<ReservationWithLines> {
  try {
    return await prisma.$transaction(async (tx) => {
      const reservation = await tx.reservation.create({ data: { key: request.key, status: "ACTIVE" } });
      const productIds = [...new Set(request.items.map((item) => item.productId))].sort();
      const levels = await tx.$queryRaw<StockRow[]>`
        SELECT "productId", "warehouseId", "quantity" FROM "StockLevel"
        WHERE "productId" IN (${Prisma.join(productIds)})
        ORDER BY "productId", "warehouseId"
        FOR UPDATE`;
      const allocations = allocateStock(request.items, levels);
      for (const allocation of allocations) {
        // The rows are locked, so the guard cannot fail; it is there so that stock can never go
        // below zero even if the locking above is ever changed (the CHECK constraint is the last net).
        const { count } = await tx.stockLevel.updateMany({
          where: { productId: allocation.productId, warehouseId: allocation.warehouseId, quantity: { gte: allocation.quantity } },
          data: { quantity: { decrement: allocation.quantity } },
        });
        if (count !== 1) throw new Error(`Stock of ${allocation.productId} in ${allocation.warehouseId} changed during its reservation`);
      }
      const lines = allocations.map((allocation) => ({ reservationId: reservation.id, ...allocation }));
      await tx.reservationLine.createMany({ data: lines });
      lines.sort((a, b) => a.productId.localeCompare(b.productId) || a.warehouseId.localeCompare(b.warehouseId));
      return { ...reservation, lines };
    }, TRANSACTION_OPTIONS);
  } catch (error) {
    if (isUniqueViolation(error)) {
      // A concurrent call with the same key won the race; answer with its reservation.
      const winner = await findReservation(prisma, request.key);
      if (winner) return replay(winner, request);
    }
    throw error;
  }
}

/**
 * Marks an ACTIVE reservation CONFIRMED: its order is recorded, so the stock stays taken and the
 * expiry sweep leaves it alone. Idempotent; a RELEASED reservation comes back unchanged (the caller
 * sees it lost its stock). Null for an unknown key.
 */
export async function confirmReservation(prisma: InventoryPrisma, key: string): Promise<ReservationWithLines | null> {
  await prisma.reservation.updateMany({ where: { key, status: "ACTIVE" }, data: { status: "CONFIRMED", confirmedAt: new Date() } });
  return findReservation(prisma, key);
}

/**
 * Releases every reservation still ACTIVE (never confirmed) that was made before `cutoff`, a batch
 * at a time; returns how many it released. Safe with several replicas sweeping at once: each
 * release is guarded, so the stock of one reservation goes back once.
 */
export async function releaseExpiredReservations(prisma: InventoryPrisma, cutoff: Date, batchSize = 100): Promise<number> {
  let released = 0;
  for (;;) {
    const expired = await prisma.reservation.findMany({
      where: { status: "ACTIVE", createdAt: { lt: cutoff } },
      select: { key: true },
      orderBy: { createdAt: "asc" },
      take: batchSize,
    });
    for (const { key } of expired) {
      if ((await releaseReservation(prisma, key, ["ACTIVE"]))?.status === "RELEASED") released++;
    }
    if (expired.length < batchSize) return released;
  }
}

/**
 * Returns the stock of a reservation that holds it (ACTIVE or CONFIRMED, unless `from` narrows that)
 * and marks it RELEASED, in one transaction. The guarded status update lets exactly one of several
 * concurrent releases put the stock back. Null for an unknown key; a RELEASED reservation comes back
 * unchanged.
 */
export function releaseReservation(
  prisma: InventoryPrisma,
  key: string,
  from: ReservationStatus[] = ["ACTIVE", "CONFIRMED"],
): Promise<ReservationWithLines | null> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.reservation.updateMany({
      where: { key, status: { in: from } },
      data: { status: "RELEASED", releasedAt: new Date() },
    });
    const reservation = await tx.reservation.findUnique({ where: { key }, include: orderedLines });
    if (count === 1 && reservation) {
      // Same row order as reserveStock's locks.
      for (const line of reservation.lines) {
        await tx.stockLevel.update({
          where: { productId_warehouseId: { productId: line.productId, warehouseId: line.warehouseId } },
          data: { quantity: { increment: line.quantity } },
        });
      }
    }
    return reservation;
  }, TRANSACTION_OPTIONS);
}
