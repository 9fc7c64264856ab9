import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import type { AccountsPrisma } from "./data/prisma.ts";

/** Loads the store's users when the database has none. */
export async function seedAccounts(prisma: AccountsPrisma): Promise<boolean> {
  if ((await prisma.user.count()) > 0) return false;
  const { users } = generateStore(seedSizesFromEnv());
  await prisma.user.createMany({ data: users });
  return true;
}
