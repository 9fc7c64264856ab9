import type { Database } from "@store/service-kit";
import { Prisma, PrismaClient } from "../../../../prisma/orders/generated/client.ts";
export {
  Prisma,
  type Order,
  type OrderLine,
  type OrderStatus,
  type Shipment,
  type TrackingEvent,
} from "../../../../prisma/orders/generated/client.ts";

export type OrdersPrisma = PrismaClient<"query">;

export function createOrdersPrisma(adapter: Database["adapter"]): OrdersPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}

/**
 * True for a unique-constraint violation, whichever constraint it was. adapter-pg surfaces it as
 * Prisma's P2002; pglite-prisma-adapter 0.6 passes PostgreSQL's SQLSTATE 23505 through unmapped,
 * as a DriverAdapterError whose cause is { kind: "postgres", code: "23505" }.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  if (!(error instanceof Error) || error.name !== "DriverAdapterError") return false;
  const cause = error.cause as { kind?: string; code?: string } | undefined;
  return cause?.kind === "UniqueConstraintViolation" || (cause?.kind === "postgres" && cause.code === "23505");
}
