import { ApolloServer } from "@apollo/server";
import { describe, expect, it } from "vitest";
import { CACHE_INVALIDATION_EXTENSION } from "@store/wire";
import { cacheInvalidationPlugin, invalidateEntities } from "@store/service-kit";

/** A resolver's invalidations reach the response's extensions, and only that request's. */
describe("cacheInvalidationPlugin", () => {
  const server = new ApolloServer<{ tag: string }>({
    typeDefs: `type Query { ok: Boolean } type Mutation { touch(id: ID!): Boolean }`,
    resolvers: {
      Mutation: {
        touch: (_: unknown, { id }: { id: string }, ctx: object) => {
          invalidateEntities(ctx, { typename: "Product", key: { id } });
          return true;
        },
      },
    },
    plugins: [cacheInvalidationPlugin()],
  });

  it("lists the entities a mutation invalidated in extensions.cacheInvalidation", async () => {
    const response = await server.executeOperation({ query: `mutation { touch(id: "prd_1") }` }, { contextValue: { tag: "a" } });
    expect(response.body.kind === "single" && response.body.singleResult.extensions?.[CACHE_INVALIDATION_EXTENSION]).toEqual([
      { typename: "Product", key: { id: "prd_1" } },
    ]);
    const quiet = await server.executeOperation({ query: `{ ok }` }, { contextValue: { tag: "b" } });
    expect(quiet.body.kind === "single" && quiet.body.singleResult.extensions).toBeUndefined();
  });
});
