import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * supergraph.yaml in rover's config format. Only `schema.file` sources are read here: composing from
 * a live subgraph or a registry graph ref is the registry's job.
 */
const subgraphEntry = z
  .object({
    routing_url: z.string().url("routing_url must be an absolute URL"),
    schema: z.union([
      z.object({ file: z.string().min(1) }).strict(),
      z.object({ subgraph_url: z.string() }).passthrough(),
      z.object({ graphref: z.string() }).passthrough(),
    ]),
  })
  .strict();

const supergraphConfigSchema = z
  .object({
    federation_version: z.union([z.string(), z.number()]).transform(String).optional(),
    subgraphs: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, "subgraph names are lower-case identifiers"), subgraphEntry)
      .refine((s) => Object.keys(s).length > 0, "at least one subgraph is required"),
  })
  .strict();

export interface SubgraphSource {
  name: string;
  routingUrl: string;
  schemaPath: string;
}

export interface SupergraphConfig {
  federationVersion: string | undefined;
  subgraphs: SubgraphSource[];
}

export class SupergraphConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SupergraphConfigError";
  }
}

/** Reads and validates supergraph.yaml; schema paths resolve against the file's folder. */
export async function readSupergraphConfig(configPath: string): Promise<SupergraphConfig> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(configPath, "utf8"));
  } catch (error) {
    throw new SupergraphConfigError(`Cannot read ${configPath}: ${(error as Error).message}`);
  }
  const parsed = supergraphConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new SupergraphConfigError(`Invalid ${configPath}:\n${problems.join("\n")}`);
  }
  const baseDir = path.dirname(path.resolve(configPath));
  const subgraphs = Object.entries(parsed.data.subgraphs).map(([name, entry]) => {
    if (!("file" in entry.schema) || typeof entry.schema.file !== "string") {
      throw new SupergraphConfigError(`subgraphs.${name}.schema: only "file" sources are supported by this command`);
    }
    return { name, routingUrl: entry.routing_url, schemaPath: path.resolve(baseDir, entry.schema.file) };
  });
  return { federationVersion: parsed.data.federation_version, subgraphs };
}
