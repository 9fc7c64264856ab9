/** The API schema a frontend sees (no join or federation machinery), composed from the repository's supergraph.yaml. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Supergraph, printSchema } from "@apollo/federation-internals";
import { composeFromSources, formatMessage, readSupergraphConfig } from "@store/composition";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export async function composeApiSchema(): Promise<string> {
  const config = await readSupergraphConfig(path.join(repoRoot, "supergraph.yaml"));
  const result = await composeFromSources(config.subgraphs);
  if (!result.ok) throw new Error(`composition failed:\n${result.errors.map(formatMessage).join("\n")}`);
  return `${printSchema(Supergraph.build(result.supergraphSdl, { supportedFeatures: null }).apiSchema())}\n`;
}
