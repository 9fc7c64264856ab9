/**
 * How a subgraph tells the router's entity cache that data changed: after a mutation it answers with
 * `extensions.cacheInvalidation`, a list of entities by type and key. The router drops every cached
 * answer about those entities (every subgraph's, every viewer's) before it answers the client.
 */
export const CACHE_INVALIDATION_EXTENSION = "cacheInvalidation";

export interface EntityInvalidation {
  /** The entity type (Product). */
  typename: string;
  /** Its key fields ({ id: "prd_1" }). */
  key: Readonly<Record<string, string | number>>;
}

/** The record an entity's cached answers share: type and key, keys sorted so every writer spells it the same. */
export function entityRecordId(typename: string, key: Readonly<Record<string, unknown>>): string {
  const fields = Object.keys(key).sort();
  return `${typename}:${JSON.stringify(fields.map((field) => [field, key[field]]))}`;
}

export function isEntityInvalidation(value: unknown): value is EntityInvalidation {
  if (typeof value !== "object" || value === null) return false;
  const { typename, key } = value as Record<string, unknown>;
  return (
    typeof typename === "string" &&
    typeof key === "object" &&
    key !== null &&
    Object.keys(key).length > 0 &&
    Object.values(key).every((v) => typeof v === "string" || typeof v === "number")
  );
}
