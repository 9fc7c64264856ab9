import type { Database } from "@store/service-kit";
import { PrismaClient } from "../generated/prisma/client.ts";

export type InventoryPrisma = PrismaClient<"query">;

export function createInventoryPrisma(adapter: Database["adapter"]): InventoryPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}
