import type { Database } from "@store/service-kit";
import { PrismaClient } from "../../../../prisma/registry/generated/client.ts";
export { Prisma } from "../../../../prisma/registry/generated/client.ts";

export type RegistryPrisma = PrismaClient;

export function createRegistryPrisma(adapter: Database["adapter"]): RegistryPrisma {
  return new PrismaClient({ adapter });
}

/** A unique-constraint violation: with versions, a concurrent writer took the number first. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
