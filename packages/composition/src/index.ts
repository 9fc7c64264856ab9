export * from "./config.ts";
export * from "./compose.ts";
export * from "./store-supergraph.ts";
