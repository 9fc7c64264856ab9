import type { Database } from "@store/service-kit";
import { Prisma, PrismaClient } from "../../../../prisma/inventory/generated/client.ts";
export {
  Prisma,
  type Reservation,
  type ReservationLine,
  type ReservationStatus,
  type StockLevel,
  type Warehouse,
} from "../../../../prisma/inventory/generated/client.ts";

export type InventoryPrisma = PrismaClient<"query">;

export function createInventoryPrisma(adapter: Database["adapter"]): InventoryPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}

/**
 * A unique-constraint violation, as either backend reports it. adapter-pg maps PostgreSQL's 23505 so
 * that Prisma raises P2002; pglite-prisma-adapter 0.6 passes the raw PostgreSQL error through
 * ({ kind: "postgres", code: "23505" }), which Prisma rethrows as a DriverAdapterError.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { kind?: unknown; code?: unknown } };
  return name === "DriverAdapterError" && (cause?.kind === "UniqueConstraintViolation" || cause?.code === "23505");
}
