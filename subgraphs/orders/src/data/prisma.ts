import type { Database } from "@store/service-kit";
import { PrismaClient } from "../generated/prisma/client.ts";

export type OrdersPrisma = PrismaClient<"query">;

export function createOrdersPrisma(adapter: Database["adapter"]): OrdersPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}
