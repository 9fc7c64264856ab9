import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/** The shape of one operation as the limits see it, fragments expanded where they are spread. */
export interface OperationShape {
  /** Deepest chain of fields (a root field is depth 1); fragments add no depth of their own. */
  depth: number;
  /** Aliased fields, counted once per place a fragment holding them is spread. */
  aliases: number;
  /** Fields selected on the root type, through fragments and inline fragments. */
  rootFields: number;
}

interface SelectionShape {
  depth: number;
  aliases: number;
  fields: number;
}

const EMPTY: SelectionShape = { depth: 0, aliases: 0, fields: 0 };

/**
 * Measures one operation in a single pass over the document: each fragment is measured once and its
 * figures reused wherever it is spread, so a fragment spread thousands of times (or fragments that
 * spread each other in a chain) costs no more than reading it once. The expanded counts may still
 * grow large (then the limits reject them); they never take long to compute. A fragment cycle (which
 * validation rejects) or an unknown fragment counts as empty here.
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, SelectionShape>();
  const inProgress = new Set<string>();

  function fragmentShape(name: string): SelectionShape {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return EMPTY;
    inProgress.add(name);
    const shape = selectionShape(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, shape);
    return shape;
  }

  function selectionShape(selectionSet: SelectionSetNode): SelectionShape {
    let depth = 0;
    let aliases = 0;
    let fields = 0;
    for (const selection of selectionSet.selections) {
      let inner: SelectionShape;
      if (selection.kind === Kind.FIELD) {
        const child = selection.selectionSet ? selectionShape(selection.selectionSet) : EMPTY;
        inner = { depth: child.depth + 1, aliases: child.aliases + (selection.alias ? 1 : 0), fields: 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selectionShape(selection.selectionSet);
      } else {
        inner = fragmentShape(selection.name.value);
      }
      if (inner.depth > depth) depth = inner.depth;
      aliases += inner.aliases;
      fields += inner.fields;
    }
    return { depth, aliases, fields };
  }

  const root = selectionShape(operation.selectionSet);
  return { depth: root.depth, aliases: root.aliases, rootFields: root.fields };
}

/**
 * Tokens in a document as graphql-js's parser counts them against `maxTokens` (comments excluded).
 * Stops at the first lexical error: the parser reports that one itself.
 */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // A syntax error: the count so far is all there is to say.
  }
  return count;
}
