import type { Database } from "@store/service-kit";
import { PrismaClient } from "../generated/prisma/client.ts";

export type ProductsPrisma = PrismaClient<"query">;

export function createProductsPrisma(adapter: Database["adapter"]): ProductsPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}
