import { generateStore, seedSizesFromEnv } from "@store/seed-data";
import type { InventoryPrisma } from "./data/prisma.ts";

/** Rows per INSERT: 3 columns each, well under PostgreSQL's 65535 bind parameters. */
const CHUNK = 5_000;

/** Loads the store's warehouses and stock levels when the database has no warehouses. */
export async function seedInventory(prisma: InventoryPrisma): Promise<boolean> {
  if ((await prisma.warehouse.count()) > 0) return false;
  const { warehouses, stockLevels } = generateStore(seedSizesFromEnv());
  const chunks = [];
  for (let start = 0; start < stockLevels.length; start += CHUNK) chunks.push(stockLevels.slice(start, start + CHUNK));
  // One batch transaction: a failed seed leaves no half-filled tables behind.
  await prisma.$transaction([
    prisma.warehouse.createMany({ data: warehouses }),
    ...chunks.map((data) => prisma.stockLevel.createMany({ data })),
  ]);
  return true;
}
