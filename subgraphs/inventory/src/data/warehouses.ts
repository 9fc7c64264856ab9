import { alignToKeys } from "@store/data-loading";
import type { Warehouse, InventoryPrisma } from "./prisma.ts";

export type { Warehouse };

/** Warehouses for the given ids, in the same order, null where there is none (DataLoader contract). */
export async function warehousesByIds(prisma: InventoryPrisma, ids: readonly string[]): Promise<(Warehouse | null)[]> {
  const rows = await prisma.warehouse.findMany({ where: { id: { in: [...ids] } } });
  return alignToKeys(ids, rows, (row) => row.id);
}

/** Every warehouse, ordered by code. */
export function listWarehouses(prisma: InventoryPrisma): Promise<Warehouse[]> {
  return prisma.warehouse.findMany({ orderBy: { code: "asc" } });
}
