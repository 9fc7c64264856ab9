/**
 * `npm start`: composes the supergraph, starts the five subgraphs (embedded PGlite with seed data
 * unless a <NAME>_DATABASE_URL says otherwise) and the router, prints the URL, and stops every
 * process cleanly on Ctrl-C.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { StackError, startStack } from "@store/stack";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
console.log("Starting the supergraph (the first start creates and seeds the embedded databases)...");

let stack;
try {
  stack = await startStack({
    repoRoot,
    // STACK_PORTS=random: free ports instead of supergraph.yaml's (scripts/measure-start.ts runs beside other stacks).
    ports: process.env.STACK_PORTS === "random" ? "random" : "config",
    routerPort: process.env.PORT ? Number(process.env.PORT) : 4000,
    supergraphOut: path.join(repoRoot, "supergraph.graphql"),
    logs: { kind: "console" },
  });
} catch (error) {
  console.error(error instanceof StackError ? error.message : `Could not start the supergraph: ${(error as Error).message}`);
  process.exit(1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
// The router's own default: the explorer is on in development unless ROUTER_EXPLORER says otherwise.
const explorerOn = process.env.ROUTER_EXPLORER ? /^(true|1)$/.test(process.env.ROUTER_EXPLORER) : process.env.NODE_ENV !== "production";
// The explorer comes first: it is what a browser opening /graphql is sent to in development, and works offline.
console.log(
  `\n  Supergraph ready in ${seconds}s.` +
    (explorerOn
      ? `\n  Open the explorer (GraphiQL with example operations, works offline): ${stack.routerUrl.replace(/\/graphql$/, "/explorer")}`
      : "") +
    `\n  GraphQL endpoint for clients: ${stack.routerUrl}` +
    (stack.routerAdminUrl ? `\n  Router metrics and detailed health (admin listener): ${stack.routerAdminUrl}/metrics` : "") +
    `\n  Press Ctrl-C to stop.\n`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping the router and subgraphs...");
    await stack.stop();
    console.log("All services stopped.");
    process.exit(0);
  });
}
// A subgraph that dies is reported; the rest keep serving (the router answers with partial data).
for (const service of stack.processes.values()) {
  void service.exited.then((code) => {
    if (!stopping) console.error(`[${service.name}] exited unexpectedly with code ${code}`);
  });
}
