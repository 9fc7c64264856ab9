import type { StockLevel, InventoryPrisma } from "./prisma.ts";

export type { StockLevel };

/**
 * Stock rows of many products in one statement, grouped per product id in key order (DataLoader
 * contract). A product with no rows gets an empty list. Rows are ordered by warehouse id.
 */
export async function stockLevelsByProductIds(prisma: InventoryPrisma, productIds: readonly string[]): Promise<StockLevel[][]> {
  const rows = await prisma.stockLevel.findMany({
    where: { productId: { in: [...productIds] } },
    orderBy: [{ productId: "asc" }, { warehouseId: "asc" }],
  });
  const byProduct = new Map<string, StockLevel[]>();
  for (const row of rows) {
    const list = byProduct.get(row.productId);
    if (list) list.push(row);
    else byProduct.set(row.productId, [row]);
  }
  return productIds.map((id) => byProduct.get(id) ?? []);
}
