/**
 * The example operations of the README: every operation of every ```graphql block, with the user its
 * comment says to sign in as ("signed in as `<username>`"), so a test can run each as the README says.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Kind, parse, print, type DefinitionNode, type OperationDefinitionNode } from "graphql";

export interface ReadmeExample {
  /** 1-based line of the operation in README.md, for failure messages. */
  line: number;
  /** The operation as printed by graphql-js (comments dropped), with the block's fragments after it. */
  query: string;
  operation: OperationDefinitionNode;
  /** The comment lines right above the operation. */
  comment: string;
  /** Whom the comment says to sign in as, or null for an anonymous request. */
  signedInAs: string | null;
}

export const README_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md");

const BLOCK = /^```graphql\n([\s\S]*?)^```$/gm;
const SIGNED_IN_AS = /signed in as `([\w.-]+)`/;

/** Every example operation of `markdown` (the README's text), in order. */
export function readmeExamples(markdown = readFileSync(README_PATH, "utf8")): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  for (const match of markdown.matchAll(BLOCK)) {
    const source = match[1]!;
    const blockLine = markdown.slice(0, match.index).split("\n").length + 1;
    const definitions = parse(source).definitions;
    const fragments = definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => print(d));
    let previousEnd = 0;
    definitions.forEach((definition: DefinitionNode) => {
      const gap = source.slice(previousEnd, definition.loc!.start);
      previousEnd = definition.loc!.end;
      if (definition.kind !== Kind.OPERATION_DEFINITION) return;
      const comment = gap
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.startsWith("#"))
        .map((l) => l.replace(/^#\s?/, ""))
        .join("\n");
      examples.push({
        line: blockLine + source.slice(0, definition.loc!.start).split("\n").length - 1,
        query: [print(definition), ...fragments].join("\n\n"),
        operation: definition,
        comment,
        signedInAs: SIGNED_IN_AS.exec(comment)?.[1] ?? null,
      });
    });
  }
  return examples;
}
