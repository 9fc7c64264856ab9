import type { Database } from "@store/service-kit";
import { PrismaClient } from "../../../../prisma/inventory/generated/client.ts";
export { Prisma, type Reservation, type ReservationLine, type ReservationStatus, type StockLevel, type Warehouse } from "../../../../prisma/inventory/generated/client.ts";

export type InventoryPrisma = PrismaClient<"query">;

export function createInventoryPrisma(adapter: Database["adapter"]): InventoryPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}
