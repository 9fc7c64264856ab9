import { gql } from "graphql-tag";

/**
 * The four subgraphs of the public federation gateway benchmark (accounts, inventory, products,
 * reviews), written here from its published schema shape, served from memory so the gateway is
 * what gets measured. Data: 5 users, 5 top products, 2 reviews per user and per product.
 */
export interface BenchUser {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface BenchProduct {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface BenchReview {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

export const users: BenchUser[] = Array.from({ length: 5 }, (_, i) => ({
  id: String(i + 1),
  name: `User ${i + 1}`,
  username: `user${i + 1}`,
  birthday: 1815 + i * 7,
}));
export const products: BenchProduct[] = Array.from({ length: 9 }, (_, i) => ({
  upc: String(i + 1),
  name: `Product ${i + 1}`,
  price: 100 + i * 150,
  weight: 50 + i * 40,
}));
export const reviews: BenchReview[] = Array.from({ length: 10 }, (_, i) => ({
  id: String(i + 1),
  body: `Review ${i + 1}: ${"a fine thing ".repeat(3)}`,
  authorId: String((i % 5) + 1),
  productUpc: String(((i * 3) % 5) + 1),
}));

const link = (imports: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ${JSON.stringify(imports)})`;

export const subgraphs = {
  accounts: {
    typeDefs: gql`
      ${link(["@key", "@shareable"])}
      type Query {
        me: User
        user(id: ID!): User
        users: [User]
      }
      type User @key(fields: "id") {
        id: ID!
        name: String
        username: String @shareable
        birthday: Int
      }
    `,
    resolvers: {
      Query: { me: () => users[0], user: (_: unknown, { id }: { id: string }) => users.find((u) => u.id === id), users: () => users },
      User: { __resolveReference: (ref: { id: string }) => users.find((u) => u.id === ref.id) },
    },
  },
  inventory: {
    typeDefs: gql`
      ${link(["@key", "@external", "@requires"])}
      type Product @key(fields: "upc") {
        upc: String!
        weight: Int @external
        price: Int @external
        inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }
    `,
    resolvers: {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({ ...ref, inStock: Number(ref.upc) % 3 !== 0 }),
        // Free for expensive items, otherwise half the weight: the benchmark's rule.
        shippingEstimate: (p: { price?: number; weight?: number }) => ((p.price ?? 0) > 1000 ? 0 : Math.round((p.weight ?? 0) * 0.5)),
      },
    },
  },
  products: {
    typeDefs: gql`
      ${link(["@key"])}
      type Query {
        topProducts(first: Int = 5): [Product]
      }
      type Product @key(fields: "upc") {
        upc: String!
        name: String
        price: Int
        weight: Int
      }
    `,
    resolvers: {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
      Product: { __resolveReference: (ref: { upc: string }) => products.find((p) => p.upc === ref.upc) },
    },
  },
  reviews: {
    typeDefs: gql`
      ${link(["@key", "@external", "@provides"])}
      type Review @key(fields: "id") {
        id: ID!
        body: String
        product: Product
        author: User @provides(fields: "username")
      }
      type User @key(fields: "id") {
        id: ID!
        username: String @external
        reviews: [Review]
      }
      type Product @key(fields: "upc") {
        upc: String!
        reviews: [Review]
      }
    `,
    resolvers: {
      Review: {
        __resolveReference: (ref: { id: string }) => reviews.find((r) => r.id === ref.id),
        author: (r: BenchReview) => ({ __typename: "User", id: r.authorId, username: users.find((u) => u.id === r.authorId)!.username }),
        product: (r: BenchReview) => ({ __typename: "Product", upc: r.productUpc }),
      },
      User: {
        __resolveReference: (ref: { id: string }) => ref,
        reviews: (u: { id: string }) => reviews.filter((r) => r.authorId === u.id),
      },
      Product: {
        __resolveReference: (ref: { upc: string }) => ref,
        reviews: (p: { upc: string }) => reviews.filter((r) => r.productUpc === p.upc),
      },
    },
  },
} as const;

/** The benchmark's heavy nested query: every subgraph, entity jumps four levels deep. */
export const HEAVY_QUERY = /* GraphQL */ `
  fragment User on User {
    id
    username
    name
  }
  fragment Review on Review {
    id
    body
  }
  fragment Product on Product {
    inStock
    name
    price
    shippingEstimate
    upc
    weight
  }
  query TestQuery {
    users {
      ...User
      reviews {
        ...Review
        product {
          ...Product
          reviews {
            ...Review
            author {
              ...User
              reviews {
                ...Review
                product {
                  ...Product
                }
              }
            }
          }
        }
      }
    }
    topProducts {
      ...Product
      reviews {
        ...Review
        author {
          ...User
          reviews {
            ...Review
            product {
              ...Product
            }
          }
        }
      }
    }
  }
`;
