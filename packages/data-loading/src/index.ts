export * from "./batching.ts";
export * from "./paged-loader-key.ts";
export * from "./pagination.ts";
