import { Supergraph, printSchema } from "@apollo/federation-internals";
import { buildSchema, type GraphQLSchema } from "graphql";

/**
 * The schema clients see: the supergraph without federation's join/link machinery and without
 * @inaccessible elements, as a plain graphql-js schema that the diff can walk.
 */

/** The few latest supergraphs: every check compares against the current one, which rarely changes. */
const cache = new Map<string, GraphQLSchema>();
const CACHE_SIZE = 4;

export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const cached = cache.get(supergraphSdl);
  if (cached) {
    cache.delete(supergraphSdl);
    cache.set(supergraphSdl, cached);
    return cached;
  }
  // Only read here, never executed: features for SECURITY (@authenticated, @requiresScopes, @policy)
  // are for the router to enforce or refuse, so they are not checked against a gateway's list.
  const schema = buildSchema(printSchema(Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema()));
  cache.set(supergraphSdl, schema);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return schema;
}
