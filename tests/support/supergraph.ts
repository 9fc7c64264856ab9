import path from "node:path";
import { composeFromSources, formatMessage, readSupergraphConfig } from "@store/composition";
import { repoRoot } from "./test-stack.ts";

/** Composes supergraph.yaml in-process: the supergraph SDL and the subgraph names, for tests that need no running services. */
export async function composeStoreSupergraph(): Promise<{ sdl: string; subgraphs: string[] }> {
  const config = await readSupergraphConfig(path.join(repoRoot, "supergraph.yaml"));
  const result = await composeFromSources(config.subgraphs);
  if (!result.ok) throw new Error(`Composition failed:\n${result.errors.map(formatMessage).join("\n")}`);
  return { sdl: result.supergraphSdl, subgraphs: config.subgraphs.map((s) => s.name) };
}
