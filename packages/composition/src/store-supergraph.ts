import path from "node:path";
import { fileURLToPath } from "node:url";
import { composeFromSources, formatMessage } from "./compose.ts";
import { readSupergraphConfig } from "./config.ts";

/** The repository's own supergraph.yaml, composed in-process: for tests and tools that need the store's supergraph without running services. */
const defaultConfigPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "supergraph.yaml");

export async function composeStoreSupergraph(configPath = defaultConfigPath): Promise<{ sdl: string; subgraphs: string[] }> {
  const config = await readSupergraphConfig(configPath);
  const result = await composeFromSources(config.subgraphs);
  if (!result.ok) throw new Error(`Composition failed:\n${result.errors.map(formatMessage).join("\n")}`);
  return { sdl: result.supergraphSdl, subgraphs: config.subgraphs.map((s) => s.name) };
}
