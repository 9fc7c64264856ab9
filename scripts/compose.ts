/**
 * `npm run compose [-- --config supergraph.yaml --out supergraph.graphql]`: composes the subgraph
 * schemas named in supergraph.yaml. Prints every error and hint with its subgraph and location and
 * exits 1 when composition fails (2 for a bad config), so CI can gate on it.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { SupergraphConfigError, composeFromSources, formatMessage, readSupergraphConfig } from "@store/composition";

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "supergraph.yaml" },
    out: { type: "string", default: "supergraph.graphql" },
    quiet: { type: "boolean", default: false },
  },
});

try {
  const config = await readSupergraphConfig(values.config!);
  const result = await composeFromSources(config.subgraphs);
  if (!values.quiet) for (const hint of result.hints) console.warn(formatMessage(hint));
  if (!result.ok) {
    for (const error of result.errors) console.error(formatMessage(error));
    console.error(`\nComposition failed with ${result.errors.length} error(s); ${values.out} was not written.`);
    process.exit(1);
  }
  await writeFile(values.out!, result.supergraphSdl);
  console.log(
    `Composed ${config.subgraphs.length} subgraphs (${config.subgraphs.map((s) => s.name).join(", ")}) into ${values.out}` +
      (result.hints.length ? ` with ${result.hints.length} hint(s)` : ""),
  );
} catch (error) {
  if (error instanceof SupergraphConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
