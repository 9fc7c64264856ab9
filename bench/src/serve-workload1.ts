/**
 * `tsx bench/src/serve-workload1.ts <supergraph-out.graphql>`: serves workload 1's in-memory
 * subgraphs and writes their supergraph, for profiling a gateway by hand (node --cpu-prof) against
 * the same subgraphs the benchmark uses. Stops on SIGINT/SIGTERM.
 */
import { writeFileSync } from "node:fs";
import { composeSubgraphs } from "@store/composition";
import { startWorkload1Subgraphs } from "./workload1/subgraphs.ts";

const out = process.argv[2];
if (!out) throw new Error("usage: serve-workload1.ts <supergraph-out.graphql>");
const subgraphs = await startWorkload1Subgraphs();
const composed = composeSubgraphs(
  Object.keys(subgraphs.urls).map((name) => ({ name, url: subgraphs.urls[name]!, sdl: subgraphs.sdl[name]! })),
);
if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join("\n"));
writeFileSync(out, composed.supergraphSdl);
console.log(`workload 1 subgraphs up; supergraph written to ${out}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void subgraphs.stop().then(() => process.exit(0)));
