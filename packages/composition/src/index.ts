export * from "./config.ts";
export * from "./compose.ts";
