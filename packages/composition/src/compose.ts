import { readFile } from "node:fs/promises";
import path from "node:path";
import { composeServices } from "@apollo/composition";
import { GraphQLError, Source, parse } from "graphql";
import type { SubgraphSource } from "./config.ts";

/** One problem found while composing, with where it comes from. */
export interface CompositionMessage {
  severity: "error" | "hint";
  code: string;
  message: string;
  /** "file:line:column" of each node the message points at. */
  locations: string[];
}

export type CompositionResult =
  | { ok: true; supergraphSdl: string; hints: CompositionMessage[] }
  | { ok: false; errors: CompositionMessage[]; hints: CompositionMessage[] };

export interface SubgraphSchema {
  name: string;
  url: string;
  sdl: string;
  /** Shown in locations; defaults to the subgraph's name. */
  sourceName?: string;
}

function locationsOf(error: { nodes?: ReadonlyArray<{ loc?: { source: Source; start: number } }> | undefined }): string[] {
  return (error.nodes ?? []).flatMap((node) => {
    if (!node.loc) return [];
    const { source, start } = node.loc;
    const before = source.body.slice(0, start).split("\n");
    return [`${source.name}:${before.length}:${before[before.length - 1]!.length + 1}`];
  });
}

/** Composes subgraph SDLs. A subgraph that does not even parse is reported as an error, not thrown. */
export function composeSubgraphs(subgraphs: SubgraphSchema[]): CompositionResult {
  const parseErrors: CompositionMessage[] = [];
  const services = subgraphs.flatMap((subgraph) => {
    try {
      return [{ name: subgraph.name, url: subgraph.url, typeDefs: parse(new Source(subgraph.sdl, subgraph.sourceName ?? subgraph.name)) }];
    } catch (error) {
      const e = error as GraphQLError;
      const where = e.locations?.map((l) => `${subgraph.sourceName ?? subgraph.name}:${l.line}:${l.column}`) ?? [];
      parseErrors.push({ severity: "error", code: "INVALID_GRAPHQL", message: `[${subgraph.name}] ${e.message}`, locations: where });
      return [];
    }
  });
  if (parseErrors.length) return { ok: false, errors: parseErrors, hints: [] };

  const result = composeServices(services);
  const hints: CompositionMessage[] = (result.hints ?? []).map((hint) => ({
    severity: "hint",
    code: hint.definition.code,
    message: hint.message,
    locations: locationsOf(hint as never),
  }));
  if (result.errors) {
    return {
      ok: false,
      hints,
      errors: result.errors.map((error) => ({
        severity: "error",
        code: String(error.extensions?.code ?? "COMPOSITION_ERROR"),
        message: error.message,
        locations: locationsOf(error as never),
      })),
    };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl, hints };
}

/** Reads each subgraph's schema file and composes; `urlOverrides` replaces routing URLs by name. */
export async function composeFromSources(sources: SubgraphSource[], urlOverrides: Record<string, string> = {}): Promise<CompositionResult> {
  const unreadable: CompositionMessage[] = [];
  const subgraphs = await Promise.all(
    sources.map(async (source) => {
      const sourceName = path.relative(process.cwd(), source.schemaPath);
      const sdl = await readFile(source.schemaPath, "utf8").catch((error: NodeJS.ErrnoException) => {
        unreadable.push({
          severity: "error",
          code: "SCHEMA_FILE_UNREADABLE",
          message: `[${source.name}] cannot read its schema file: ${error.code ?? error.message}`,
          locations: [sourceName],
        });
        return "";
      });
      return { name: source.name, url: urlOverrides[source.name] ?? source.routingUrl, sdl, sourceName };
    }),
  );
  if (unreadable.length) return { ok: false, errors: unreadable, hints: [] };
  return composeSubgraphs(subgraphs);
}

export function formatMessage(message: CompositionMessage): string {
  const head = `${message.severity}[${message.code}]: ${message.message}`;
  return [head, ...message.locations.map((l) => `    at ${l}`)].join("\n");
}
