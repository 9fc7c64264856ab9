/** The orders subgraph's published entry point: its definition, server factory, settings loader and seed. */
export { createOrdersDefinition, ordersMigrationsDir } from "./definition.ts";
export { createServer } from "./server.ts";
export { seedOrders } from "./seed.ts";
export { loadOrdersSettings, type OrdersSettings } from "./config.ts";
