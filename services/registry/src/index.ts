export * from "./config.ts";
export * from "./errors.ts";
export * from "./schema-diff.ts";
export * from "./checks.ts";
export { createRegistryServer, readRepoSubgraphs, type RegistryServer, type RegistryServerDeps } from "./server.ts";
