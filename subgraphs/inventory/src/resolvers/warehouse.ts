import type { InventoryContext } from "../context.ts";

export const Warehouse = {
  __resolveReference: (reference: { id: string }, ctx: InventoryContext) => ctx.loaders.warehouseById.load(reference.id),
};
