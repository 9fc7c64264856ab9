/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation Checkout($input: PlaceOrderInput!, $idempotencyKey: String!) {\n  placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n    id\n    status\n    lines {\n      quantity\n      product {\n        id\n        name\n      }\n    }\n    total {\n      formatted\n    }\n  }\n}": typeof types.CheckoutDocument,
    "mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    token\n    expiresAt\n    user {\n      id\n      username\n    }\n  }\n}": typeof types.LoginDocument,
    "query OrderHistory($first: Int = 5, $after: String) {\n  me {\n    id\n    username\n    orders(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          status\n          total {\n            formatted\n          }\n        }\n      }\n    }\n  }\n}": typeof types.OrderHistoryDocument,
    "query ProductPage($sku: String!, $reviewCount: Int = 3) {\n  product(sku: $sku) {\n    id\n    sku\n    name\n    description\n    inStock\n    price {\n      formatted\n    }\n    averageRating\n    reviewCount\n    reviews(first: $reviewCount) {\n      edges {\n        node {\n          id\n          rating\n          title\n          author {\n            id\n            username\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ProductPageDocument,
    "query ProductSearch($filter: ProductFilter, $first: Int = 10, $after: String) {\n  products(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ProductCard\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  sku\n  name\n  price {\n    formatted\n  }\n}": typeof types.ProductSearchDocument,
    "query StockLevels($sku: String!) {\n  product(sku: $sku) {\n    id\n    name\n    inStock\n    stock {\n      quantity\n      warehouse {\n        code\n      }\n    }\n  }\n}": typeof types.StockLevelsDocument,
};
const documents: Documents = {
    "mutation Checkout($input: PlaceOrderInput!, $idempotencyKey: String!) {\n  placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n    id\n    status\n    lines {\n      quantity\n      product {\n        id\n        name\n      }\n    }\n    total {\n      formatted\n    }\n  }\n}": types.CheckoutDocument,
    "mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    token\n    expiresAt\n    user {\n      id\n      username\n    }\n  }\n}": types.LoginDocument,
    "query OrderHistory($first: Int = 5, $after: String) {\n  me {\n    id\n    username\n    orders(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          status\n          total {\n            formatted\n          }\n        }\n      }\n    }\n  }\n}": types.OrderHistoryDocument,
    "query ProductPage($sku: String!, $reviewCount: Int = 3) {\n  product(sku: $sku) {\n    id\n    sku\n    name\n    description\n    inStock\n    price {\n      formatted\n    }\n    averageRating\n    reviewCount\n    reviews(first: $reviewCount) {\n      edges {\n        node {\n          id\n          rating\n          title\n          author {\n            id\n            username\n          }\n        }\n      }\n    }\n  }\n}": types.ProductPageDocument,
    "query ProductSearch($filter: ProductFilter, $first: Int = 10, $after: String) {\n  products(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ProductCard\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  sku\n  name\n  price {\n    formatted\n  }\n}": types.ProductSearchDocument,
    "query StockLevels($sku: String!) {\n  product(sku: $sku) {\n    id\n    name\n    inStock\n    stock {\n      quantity\n      warehouse {\n        code\n      }\n    }\n  }\n}": types.StockLevelsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Checkout($input: PlaceOrderInput!, $idempotencyKey: String!) {\n  placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n    id\n    status\n    lines {\n      quantity\n      product {\n        id\n        name\n      }\n    }\n    total {\n      formatted\n    }\n  }\n}"): (typeof documents)["mutation Checkout($input: PlaceOrderInput!, $idempotencyKey: String!) {\n  placeOrder(input: $input, idempotencyKey: $idempotencyKey) {\n    id\n    status\n    lines {\n      quantity\n      product {\n        id\n        name\n      }\n    }\n    total {\n      formatted\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    token\n    expiresAt\n    user {\n      id\n      username\n    }\n  }\n}"): (typeof documents)["mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    token\n    expiresAt\n    user {\n      id\n      username\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OrderHistory($first: Int = 5, $after: String) {\n  me {\n    id\n    username\n    orders(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          status\n          total {\n            formatted\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query OrderHistory($first: Int = 5, $after: String) {\n  me {\n    id\n    username\n    orders(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          status\n          total {\n            formatted\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProductPage($sku: String!, $reviewCount: Int = 3) {\n  product(sku: $sku) {\n    id\n    sku\n    name\n    description\n    inStock\n    price {\n      formatted\n    }\n    averageRating\n    reviewCount\n    reviews(first: $reviewCount) {\n      edges {\n        node {\n          id\n          rating\n          title\n          author {\n            id\n            username\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ProductPage($sku: String!, $reviewCount: Int = 3) {\n  product(sku: $sku) {\n    id\n    sku\n    name\n    description\n    inStock\n    price {\n      formatted\n    }\n    averageRating\n    reviewCount\n    reviews(first: $reviewCount) {\n      edges {\n        node {\n          id\n          rating\n          title\n          author {\n            id\n            username\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProductSearch($filter: ProductFilter, $first: Int = 10, $after: String) {\n  products(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ProductCard\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  sku\n  name\n  price {\n    formatted\n  }\n}"): (typeof documents)["query ProductSearch($filter: ProductFilter, $first: Int = 10, $after: String) {\n  products(filter: $filter, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...ProductCard\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  sku\n  name\n  price {\n    formatted\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query StockLevels($sku: String!) {\n  product(sku: $sku) {\n    id\n    name\n    inStock\n    stock {\n      quantity\n      warehouse {\n        code\n      }\n    }\n  }\n}"): (typeof documents)["query StockLevels($sku: String!) {\n  product(sku: $sku) {\n    id\n    name\n    inStock\n    stock {\n      quantity\n      warehouse {\n        code\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;