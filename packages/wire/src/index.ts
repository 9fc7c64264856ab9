export * from "./access.ts";
export type { Caller } from "./caller.ts";
export * from "./claims-header.ts";
export * from "./claims-signing.ts";
export * from "./error-codes.ts";
export * from "./request-signing.ts";
export * from "./service-calls.ts";
export * from "./cache-invalidation.ts";
