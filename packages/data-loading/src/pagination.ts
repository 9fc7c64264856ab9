import { badUserInput } from "@store/wire";

/**
 * Relay-style cursor pagination over a keyset. A cursor is an opaque base64url JSON array of the
 * row's sort values; clients must not build one themselves.
 */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === "string" || typeof v === "number")) {
      return values;
    }
  } catch {
    // fall through to the coded error below
  }
  throw badUserInput("The `after` cursor is not one this API issued.", { argument: "after" });
}

export interface PageRequest {
  /** Rows to fetch: one more than asked, to learn whether a next page exists. */
  take: number;
  first: number;
  after: (string | number)[] | null;
}

export function pageRequest(
  args: { first?: number | null; after?: string | null },
  { arity = 1, defaultSize = 20, maxSize = 100 } = {},
): PageRequest {
  const first = args.first ?? defaultSize;
  if (!Number.isInteger(first) || first < 0 || first > maxSize) {
    throw badUserInput(`\`first\` must be between 0 and ${maxSize}.`, { argument: "first" });
  }
  const after = args.after ? decodeCursor(args.after, arity) : null;
  return { take: first + 1, first, after };
}

/** Builds a connection from up to `first + 1` rows fetched in order. */
export function toConnection<T>(rows: T[], page: PageRequest, sortValues: (row: T) => (string | number)[]): Connection<T> {
  const nodes = rows.slice(0, page.first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(sortValues(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
