import type { InventoryContext } from "../context.ts";
import type { StockLevel } from "../data/stock.ts";

/** A WarehouseStock is a StockLevel row; its warehouse loads through warehouseById (one query for all). */
export const WarehouseStock = {
  warehouse: (level: StockLevel, _: unknown, ctx: InventoryContext) => ctx.loaders.warehouseById.load(level.warehouseId),
};
