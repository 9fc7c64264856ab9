import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import type { ExampleOperation } from "./src/examples.ts";

/**
 * The explorer's example operations: `operations/NN-name.graphql`, each opening with a `#` comment
 * (first line the title, a `Subgraphs:` line, then the description) and holding one named
 * operation, plus a sibling `NN-name.variables.json`. The file name's number orders the list.
 */
export const OPERATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "operations");

export class ExampleOperationError extends Error {}

export function parseExampleOperation(file: string, text: string, variablesText: string | undefined): ExampleOperation {
  const fail = (why: string): never => {
    throw new ExampleOperationError(`${file}: ${why}`);
  };
  const header: string[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("#")) break;
    header.push(line.replace(/^#\s?/, "").trimEnd());
  }
  const [title, ...rest] = header;
  if (!title) fail("must start with a `# Title` comment line");
  const subgraphLine = rest.find((line) => /^Subgraphs:/i.test(line));
  if (!subgraphLine) fail("needs a `# Subgraphs: a, b` comment line");
  const subgraphs = subgraphLine!
    .replace(/^Subgraphs:/i, "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const description = rest
    .filter((line) => line !== subgraphLine)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  if (!description) fail("needs a description in its leading comment");

  let operations: OperationDefinitionNode[];
  try {
    operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch (error) {
    return fail(`does not parse: ${(error as Error).message}`);
  }
  if (operations.length !== 1 || !operations[0]!.name) fail("must hold exactly one named operation");
  const operation = operations[0]!;

  let variables = "";
  if (variablesText !== undefined) {
    try {
      const parsed: unknown = JSON.parse(variablesText);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) fail("variables must be a JSON object");
      variables = JSON.stringify(parsed, null, 2);
    } catch (error) {
      if (error instanceof ExampleOperationError) throw error;
      fail(`variables are not valid JSON: ${(error as Error).message}`);
    }
  } else if (operation.variableDefinitions?.length) {
    fail("declares variables but has no .variables.json");
  }

  return {
    id: path.basename(file, ".graphql").replace(/^\d+-/, ""),
    title: title!,
    subgraphs,
    description,
    operationName: operation.name!.value,
    kind: operation.operation === "mutation" ? "mutation" : "query",
    query: text.trimEnd() + "\n",
    variables,
  };
}

export function loadExampleOperations(dir = OPERATIONS_DIR): ExampleOperation[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".graphql"))
    .sort()
    .map((name) => {
      const variablesFile = path.join(dir, name.replace(/\.graphql$/, ".variables.json"));
      let variablesText: string | undefined;
      try {
        variablesText = readFileSync(variablesFile, "utf8");
      } catch {
        variablesText = undefined;
      }
      return parseExampleOperation(name, readFileSync(path.join(dir, name), "utf8"), variablesText);
    });
}
