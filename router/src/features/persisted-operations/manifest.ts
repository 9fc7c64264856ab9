import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Kind, parse } from "graphql";
import { z } from "zod";

/** Apollo's persisted query manifest format, as frontend builds (and `supergraph manifest`) write it. */
const manifestSchema = z.object({
  format: z.literal("apollo-persisted-query-manifest"),
  version: z.literal(1),
  operations: z.array(
    z
      .object({
        id: z.string().min(1),
        name: z.string().min(1),
        type: z.enum(["query", "mutation", "subscription"]),
        body: z.string().min(1),
      })
      .passthrough(),
  ),
});

export interface TrustedOperation {
  id: string;
  name: string;
  type: "query" | "mutation" | "subscription";
  body: string;
}

export interface TrustedDocuments {
  size: number;
  /** The operation a client names by id. */
  byId(id: string): TrustedOperation | undefined;
  /** Whether a document the client sent in full is, character for character, a manifest document. */
  hasBody(body: string): boolean;
}

export class ManifestError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Checks a parsed manifest: the format, every body parses and holds its named operation, ids unique. */
export function trustedDocuments(json: unknown, source = "manifest"): TrustedDocuments {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ManifestError(parsed.error.issues.map((issue) => `${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`));
  }
  const problems: string[] = [];
  const byId = new Map<string, TrustedOperation>();
  const bodies = new Set<string>();
  parsed.data.operations.forEach((entry, index) => {
    const where = `${source}: operations[${index}] (${entry.name})`;
    if (byId.has(entry.id)) problems.push(`${where}: id ${entry.id} is used twice`);
    try {
      const operations = parse(entry.body).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
      if (!operations.some((op) => op.name?.value === entry.name && op.operation === entry.type)) {
        problems.push(`${where}: the body has no ${entry.type} named ${entry.name}`);
      }
    } catch (error) {
      problems.push(`${where}: the body does not parse: ${(error as Error).message}`);
    }
    const operation = { id: entry.id, name: entry.name, type: entry.type, body: entry.body };
    byId.set(entry.id, operation);
    bodies.add(sha256(entry.body));
  });
  if (problems.length) throw new ManifestError(problems);
  return {
    size: byId.size,
    byId: (id) => byId.get(id),
    hasBody: (body) => bodies.has(sha256(body)),
  };
}

export async function loadTrustedDocuments(file: string): Promise<TrustedDocuments> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ManifestError([`${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`]);
  }
  return trustedDocuments(json, file);
}
