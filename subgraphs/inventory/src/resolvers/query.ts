import type { InventoryContext } from "../context.ts";
import { listWarehouses } from "../data/warehouses.ts";

export const Query = {
  warehouses: async (_: unknown, __: unknown, ctx: InventoryContext) => {
    const rows = await listWarehouses(ctx.prisma);
    for (const row of rows) ctx.loaders.warehouseById.prime(row.id, row);
    return rows;
  },
};
