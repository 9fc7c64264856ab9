import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { DocumentNode } from "graphql";
import { gql } from "graphql-tag";
import { composeSubgraphs } from "@store/composition";

// @apollo/subgraph builds its schema with graphql's CommonJS build; vitest would hand this file the
// ESM build, a second graphql that refuses the first one's schema. Execute with the same one.
const { execute, parse } = createRequire(import.meta.url)("graphql") as typeof import("graphql");

/**
 * Four small subgraphs served over real HTTP in this process, shaped to exercise a query planner's
 * executor: entity jumps with repeated entities, @requires, @provides, @inaccessible, a union, a
 * non-null field whose entity cannot be resolved (null propagation) and a field that always errors.
 */
const link = (imports: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ${JSON.stringify(imports)})`;

const users = [1, 2].map((i) => ({ id: String(i), name: `User ${i}`, handle: `user${i}` }));
const products = [1, 2, 3].map((i) => ({ upc: `p${i}`, name: `Product ${i}`, price: i * 700, secret: "s" }));
const reviews = [1, 2, 3, 4, 5, 6].map((i) => ({
  id: `r${i}`,
  body: `Review ${i}`,
  authorId: String((i % 3) + 1),
  upc: `p${(i % 2) + 1}`,
}));

const definitions: Record<string, { typeDefs: DocumentNode; resolvers: Record<string, unknown> }> = {
  accounts: {
    typeDefs: gql`
      ${link(["@key", "@shareable"])}
      type Query {
        users: [User!]!
      }
      type User @key(fields: "id") {
        id: ID!
        name: String @shareable
        handle: String!
      }
    `,
    resolvers: {
      Query: { users: () => users },
      User: {
        // User 3 is gone: its fields go missing, so a non-null one must null its parent.
        __resolveReference: ({ id }: { id: string }) => users.find((u) => u.id === id) ?? null,
      },
    },
  },
  products: {
    typeDefs: gql`
      ${link(["@key", "@inaccessible"])}
      type Query {
        products: [Product!]!
        search(term: String!): [SearchResult!]!
      }
      union SearchResult = Product | Category
      type Category {
        name: String!
        constructor: String
      }
      type Product @key(fields: "upc") {
        upc: String!
        name: String!
        price: Int!
        secret: String @inaccessible
      }
    `,
    resolvers: {
      Query: {
        products: () => products,
        search: (_: unknown, { term }: { term: string }) => [
          ...products.filter((p) => p.name.includes(term)).map((p) => ({ __typename: "Product", ...p })),
          { __typename: "Category", name: `Category ${term}` },
        ],
      },
      Product: { __resolveReference: ({ upc }: { upc: string }) => products.find((p) => p.upc === upc) },
      // A field named like one of Object.prototype's: the gateway must not read the inherited one.
      Category: { constructor: () => "hand-made" },
    },
  },
  inventory: {
    typeDefs: gql`
      ${link(["@key", "@external", "@requires"])}
      type Product @key(fields: "upc") {
        upc: String!
        price: Int! @external
        inStock: Boolean!
        shipping: Int @requires(fields: "price")
      }
    `,
    resolvers: {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number }) => ({ ...ref, inStock: ref.upc !== "p2" }),
        shipping: ({ price }: { price: number }) => (price > 1000 ? 0 : 15),
      },
    },
  },
  reviews: {
    typeDefs: gql`
      ${link(["@key", "@external", "@provides"])}
      type Query {
        topReviews: [Review]
      }
      type Review @key(fields: "id") {
        id: ID!
        body: String!
        author: User! @provides(fields: "name")
        product: Product
      }
      type User @key(fields: "id") {
        id: ID!
        name: String @external
        reviews: [Review!]!
      }
      type Product @key(fields: "upc") {
        upc: String!
        reviews: [Review!]!
        flaky: String
      }
    `,
    resolvers: {
      Query: { topReviews: () => reviews },
      Review: {
        __resolveReference: ({ id }: { id: string }) => reviews.find((r) => r.id === id),
        author: (r: (typeof reviews)[number]) => ({ id: r.authorId, name: `User ${r.authorId}` }),
        product: (r: (typeof reviews)[number]) => ({ upc: r.upc }),
      },
      User: { reviews: ({ id }: { id: string }) => reviews.filter((r) => r.authorId === id) },
      Product: {
        reviews: ({ upc }: { upc: string }) => reviews.filter((r) => r.upc === upc),
        flaky: () => {
          throw new Error("flaky is broken");
        },
      },
    },
  },
};

export interface FederatedFixture {
  supergraphSdl: string;
  /** Entity representations each subgraph has received, in all. */
  representations: Record<string, number>;
  /** Requests each subgraph has served. */
  requests: Record<string, number>;
  /** Stops one subgraph, so fetches to it fail. */
  stopSubgraph(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFederatedFixture(): Promise<FederatedFixture> {
  const servers = new Map<string, http.Server>();
  const representations: Record<string, number> = {};
  const requests: Record<string, number> = {};
  const sdl: Array<{ name: string; url: string; sdl: string }> = [];
  for (const [name, { typeDefs, resolvers }] of Object.entries(definitions)) {
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
    representations[name] = 0;
    requests[name] = 0;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        try {
          const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          requests[name]!++;
          representations[name]! += Array.isArray(variables?.representations) ? variables.representations.length : 0;
          const result = await execute({ schema, document: parse(query), variableValues: variables, operationName });
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(result));
        } catch (error) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.set(name, server);
    sdl.push({ name, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, sdl: typeDefs.loc!.source.body });
  }
  const composed = composeSubgraphs(sdl);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  const stop = async (server: http.Server) => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    supergraphSdl: composed.supergraphSdl,
    representations,
    requests,
    stopSubgraph: async (name) => {
      const server = servers.get(name);
      servers.delete(name);
      if (server) await stop(server);
    },
    close: async () => {
      await Promise.all([...servers.values()].map(stop));
    },
  };
}
