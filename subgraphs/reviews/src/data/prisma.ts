import type { Database } from "@store/service-kit";
import { PrismaClient } from "../../../../prisma/reviews/generated/client.ts";
export { Prisma, type Review } from "../../../../prisma/reviews/generated/client.ts";

export type ReviewsPrisma = PrismaClient<"query">;

/**
 * The driver adapters are typed against their own copy of @prisma/driver-adapter-utils (6.10 for
 * the PGlite adapter, 6.19 for the client); the runtime contract is the same, so only the type is cast.
 */
type ClientAdapter = NonNullable<ConstructorParameters<typeof PrismaClient>[0]>["adapter"];

export function createReviewsPrisma(adapter: Database["adapter"]): ReviewsPrisma {
  return new PrismaClient({ adapter: adapter as unknown as ClientAdapter, log: [{ emit: "event", level: "query" }] });
}
