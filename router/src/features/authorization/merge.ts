import { isListType, isNonNullType, type GraphQLFormattedError, type GraphQLOutputType } from "graphql";
import type { Step } from "./analyze.ts";
import { PLACEHOLDER_KEY, TYPENAME_KEY, type DeniedAction, type Rewritten } from "./rewrite.ts";

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** "Sign in to read User.email." / "Not allowed to run Mutation.placeOrder.": a mutation's root field is run, not read. */
export const deniedMessage = (coordinate: string, code: string, action: DeniedAction = "read") =>
  code === "UNAUTHENTICATED" ? `Sign in to ${action} ${coordinate}.` : `Not allowed to ${action} ${coordinate}.`;

/**
 * Puts each removed field back into the gateway's answer as null with an error at its path (one per
 * place in the response where it would have been), with GraphQL's null propagation: a null in a
 * non-null position nulls the enclosing object, up to the nearest nullable field (or `data`).
 */
export function mergeDenials(data: Json | null | undefined, rewritten: Rewritten): { data: Json | null; errors: GraphQLFormattedError[] } {
  const errors: GraphQLFormattedError[] = [];
  let root: Json | null = data ?? (rewritten.emptyRoot ? {} : null);
  for (const denial of rewritten.denials) {
    if (!root) break;
    const error = (path: Path) =>
      errors.push({ message: deniedMessage(denial.coordinate, denial.code, denial.action), path, extensions: { code: denial.code } });
    if (placeInObject(root, denial.steps, 0, [], error)) root = null;
  }
  if (root && rewritten.helpers) stripHelpers(root);
  return { data: root, errors };
}

/** Returns true when `object` itself must become null. */
function placeInObject(object: Json, steps: readonly Step[], i: number, path: Path, error: (path: Path) => void): boolean {
  const step = steps[i]!;
  if (step.appliesTo && !step.appliesTo.has(object[TYPENAME_KEY] as string)) return false;
  const here = [...path, step.key];
  if (i === steps.length - 1) {
    object[step.key] = null;
    error(here);
    return isNonNullType(step.type);
  }
  if (!(step.key in object)) return false;
  if (placeInValue(object[step.key], step.type, steps, i, here, error)) {
    object[step.key] = null;
    return isNonNullType(step.type);
  }
  return false;
}

/** Returns true when `value` (of `type`) must become null. */
function placeInValue(
  value: unknown,
  type: GraphQLOutputType,
  steps: readonly Step[],
  i: number,
  path: Path,
  error: (path: Path) => void,
): boolean {
  if (value === null || value === undefined) return false;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const items = value as unknown[];
    for (let index = 0; index < items.length; index++) {
      if (placeInValue(items[index], inner.ofType, steps, i, [...path, index], error)) {
        items[index] = null;
        if (isNonNullType(inner.ofType)) return true;
      }
    }
    return false;
  }
  return placeInObject(value as Json, steps, i + 1, path, error);
}

function stripHelpers(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) stripHelpers(item);
  } else if (value && typeof value === "object") {
    const object = value as Json;
    delete object[TYPENAME_KEY];
    delete object[PLACEHOLDER_KEY];
    for (const key in object) stripHelpers(object[key]);
  }
}
