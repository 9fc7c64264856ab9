import type { Database } from "@store/service-kit";
import { PrismaClient } from "../../../../prisma/accounts/generated/client.ts";
export type { User } from "../../../../prisma/accounts/generated/client.ts";

export type AccountsPrisma = PrismaClient<"query">;

export function createAccountsPrisma(adapter: Database["adapter"]): AccountsPrisma {
  return new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
}
