import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Supergraph, printSchema as printFederationSchema } from "@apollo/federation-internals";
import {
  GraphQLError,
  Kind,
  Source,
  buildSchema,
  getLocation,
  parse,
  print,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";

/**
 * `supergraph manifest <dir>`: the trusted-documents manifest of a folder of .graphql operation
 * files, in Apollo's persisted query manifest format. Each operation's body is the operation printed
 * by graphql-js followed by the fragments it uses (by name), and its id is the SHA-256 of that body,
 * so a client that sends the hash of the same text finds it.
 */

export interface ManifestOperation {
  id: string;
  name: string;
  type: "query" | "mutation" | "subscription";
  body: string;
}

export interface PersistedQueryManifest {
  format: "apollo-persisted-query-manifest";
  version: 1;
  operations: ManifestOperation[];
}

/** A problem at a place in an operation file (`file` relative to the folder). */
export interface ManifestProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ManifestResult {
  manifest: PersistedQueryManifest;
  files: number;
  problems: ManifestProblem[];
}

export const formatProblem = (p: ManifestProblem) => `${p.file}:${p.line}:${p.column}: ${p.message}`;

async function operationFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(graphql|gql)$/.test(entry.name))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

function at(node: ASTNode, message: string): ManifestProblem {
  const source = node.loc!.source;
  const { line, column } = getLocation(source, node.loc!.start);
  return { file: source.name, line, column, message };
}

/** The fragments an operation uses, directly or through other fragments, sorted by name. */
function usedFragments(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  missing: (spread: ASTNode, name: string) => void,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: ASTNode[] = [operation];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment) missing(spread, name);
        else if (!used.has(name)) {
          used.set(name, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

const DEFER_DIRECTIVE = "directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | INLINE_FRAGMENT";

/** The API schema clients see (no join or federation machinery) of a composed supergraph. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  // Through SDL: federation-internals may load another copy of graphql (CJS), whose schema objects
  // this module's validate() would refuse.
  // Read only for validation: SECURITY features (@authenticated, @requiresScopes, @policy) are the router's to enforce.
  const api = printFederationSchema(Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema());
  // The router serves @defer (the API schema itself never declares it), so operations may use it.
  return buildSchema(/\bdirective @defer\b/.test(api) ? api : `${api}\n\n${DEFER_DIRECTIVE}`);
}

export async function buildManifest(dir: string, options: { schema?: GraphQLSchema } = {}): Promise<ManifestResult> {
  const problems: ManifestProblem[] = [];
  const files = await operationFiles(dir);
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operationsByName = new Map<string, OperationDefinitionNode>();

  for (const file of files) {
    const source = new Source(await readFile(path.join(dir, file), "utf8"), file);
    let document: DocumentNode;
    try {
      document = parse(source);
    } catch (error) {
      const { line, column } = (error as GraphQLError).locations?.[0] ?? { line: 1, column: 1 };
      problems.push({ file, line, column, message: `does not parse: ${(error as GraphQLError).message.replace(/^Syntax Error: /, "")}` });
      continue;
    }
    let schemaNoted = false;
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const name = definition.name.value;
        const other = fragments.get(name);
        if (other) problems.push(at(definition, `fragment ${name} is also defined at ${formatPlace(other)}`));
        else fragments.set(name, definition);
      } else if (definition.kind === Kind.OPERATION_DEFINITION) {
        const name = definition.name?.value;
        if (!name) {
          problems.push(
            at(definition, "anonymous operation: give it a name (the manifest and the router's metrics know operations by name)"),
          );
          continue;
        }
        const other = operationsByName.get(name);
        if (other) {
          problems.push(at(definition, `operation ${name} is also defined at ${formatPlace(other)}`));
          continue;
        }
        operationsByName.set(name, definition);
        operations.push(definition);
      } else if (!schemaNoted) {
        // Once per file: a schema file dropped among the operations would otherwise list every type.
        schemaNoted = true;
        problems.push(
          at(definition, `${definition.kind} is not an operation or a fragment: operation files hold executable documents only`),
        );
      }
    }
  }

  const manifestOperations: ManifestOperation[] = [];
  for (const operation of operations) {
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        operation,
        ...usedFragments(operation, fragments, (spread, name) => problems.push(at(spread, `unknown fragment ${name}`))),
      ],
    };
    if (options.schema) {
      for (const error of validate(options.schema, document)) {
        if (/^Unknown fragment/.test(error.message)) continue; // reported above, with or without a schema
        const node = error.nodes?.[0];
        problems.push(at(node?.loc ? node : operation, error.message));
      }
    }
    const body = print(document);
    manifestOperations.push({
      id: createHash("sha256").update(body).digest("hex"),
      name: operation.name!.value,
      type: operation.operation,
      body,
    });
  }
  manifestOperations.sort((a, b) => a.name.localeCompare(b.name));
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return {
    manifest: { format: "apollo-persisted-query-manifest", version: 1, operations: manifestOperations },
    files: files.length,
    problems,
  };
}

function formatPlace(node: ASTNode): string {
  const place = at(node, "");
  return `${place.file}:${place.line}:${place.column}`;
}
