export * from "./ports.ts";
export * from "./service-process.ts";
export * from "./stack.ts";
export * from "./signing-secrets.ts";
export * from "./router-node-flags.ts";
export * from "./subgraph-node-flags.ts";
export * from "./otlp-receiver.ts";
