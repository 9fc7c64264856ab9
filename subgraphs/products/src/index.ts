/** The products subgraph's published entry point: its definition, server factory, settings loader and seed. */
export { createProductsDefinition, productsMigrationsDir } from "./definition.ts";
export { createServer } from "./server.ts";
export { seedProducts } from "./seed.ts";
export { loadProductsSettings, type ProductsSettings } from "./config.ts";
