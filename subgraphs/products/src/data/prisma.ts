import type { Database } from "@store/service-kit";
import { PrismaClient } from "../../../../prisma/products/generated/client.ts";
export type { Category, Prisma, Product } from "../../../../prisma/products/generated/client.ts";

export type ProductsPrisma = PrismaClient<"query">;

export function createProductsPrisma(adapter: Database["adapter"]): ProductsPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}
