import { createHash } from "node:crypto";
import { DEMO_PASSWORD, generateStore, seedSizesFromEnv } from "@store/seed-data";
import type { AccountsPrisma } from "./data/prisma.ts";
import { hashPassword } from "./passwords.ts";

/**
 * The seed users' password hash: DEMO_PASSWORD with a fixed salt, so the seed stays deterministic
 * and costs one scrypt rather than one per user. Only demo data shares a salt; real passwords get
 * a random one (hashPassword's default).
 */
const demoPasswordHash = () =>
  hashPassword(DEMO_PASSWORD, createHash("sha256").update("store-seed:demo-password").digest().subarray(0, 16));

/** Loads the store's users, each with the demo password, when the database has none. */
export async function seedAccounts(prisma: AccountsPrisma): Promise<boolean> {
  if ((await prisma.user.count()) > 0) return false;
  const { users } = generateStore(seedSizesFromEnv());
  const passwordHash = await demoPasswordHash();
  await prisma.user.createMany({ data: users.map((user) => ({ ...user, passwordHash })) });
  return true;
}
