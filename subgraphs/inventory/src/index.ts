/** The inventory subgraph's published entry point: its definition, server factory, settings loader and seed, and the shipping estimate. */
export { createInventoryDefinition, inventoryMigrationsDir } from "./definition.ts";
export { createServer } from "./server.ts";
export { seedInventory } from "./seed.ts";
export { loadInventorySettings, type InventorySettings } from "./config.ts";
export { estimateShipping } from "./shipping.ts";
