import { SignJWT } from "jose";

/**
 * The store operations a frontend sends most: product page, search, a user's orders with tracking,
 * and checkout. Each takes a sequence number so the load varies the ids it asks for. Order history
 * and checkout belong to a signed-in user, so their requests carry that user's bearer token.
 */
export interface BenchOperation {
  name: string;
  mutation: boolean;
  body(sequence: number): { query: string; variables: Record<string, unknown>; operationName: string; headers?: Record<string, string> };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const USERS = 200;

/** One HS256 token per seeded user, as the accounts subgraph's login would issue it (same secret, claims). */
export async function signBenchTokens(secret: string): Promise<string[]> {
  const key = new TextEncoder().encode(secret);
  const exp = Math.floor(Date.now() / 1000) + 6 * 3600;
  return Promise.all(
    Array.from({ length: USERS }, (_, i) =>
      new SignJWT({ scope: "orders:read orders:write reviews:write profile:read", roles: ["customer"] })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(`usr_${pad(i + 1, 4)}`)
        .setIssuer("store-accounts")
        .setAudience("store-graph")
        .setExpirationTime(exp)
        .sign(key),
    ),
  );
}

/** Bearer tokens by user index, set by run.ts before any load. */
let tokens: string[] = [];
export function useBenchTokens(signed: string[]): void {
  tokens = signed;
}

export const storeOperations: BenchOperation[] = [
  {
    name: "product page",
    mutation: false,
    body: (n) => ({
      operationName: "ProductPage",
      query: `query ProductPage($sku: String!) { product(sku: $sku) {
        id name description price { formatted } category { name }
        inStock shippingEstimate { formatted }
        averageRating reviewCount reviews(first: 5) { edges { node { rating title author { username } } } } } }`,
      variables: { sku: `SKU-${pad((n % 1000) + 1, 5)}` },
    }),
  },
  {
    name: "search",
    mutation: false,
    body: (n) => ({
      operationName: "Search",
      query: `query Search($filter: ProductFilter, $first: Int) { products(filter: $filter, first: $first) {
        totalCount edges { node { id name price { formatted } inStock averageRating } } pageInfo { hasNextPage endCursor } } }`,
      variables: { first: 20, filter: { categorySlug: ["coffee", "audio", "books", "garden"][n % 4], maxPriceCents: 30000 } },
    }),
  },
  {
    name: "orders with tracking",
    mutation: false,
    body: (n) => ({
      // "My orders": the signed-in user's own history (orders are readable by their owner or staff only).
      operationName: "OrderHistory",
      query: `query OrderHistory { me { username orders(first: 5) { totalCount edges { node {
        id status total { formatted } lines { quantity product { name } }
        shipment { trackingNumber status events { status occurredAt } } } } } } }`,
      variables: {},
      headers: { authorization: `Bearer ${tokens[n % USERS]}` },
    }),
  },
  {
    name: "checkout",
    mutation: true,
    body: (n) => ({
      operationName: "Checkout",
      query: `mutation Checkout($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) {
        id total { formatted } shipment { trackingNumber } } }`,
      variables: {
        input: { lines: [{ productId: `prd_${pad(((n * 7) % 1000) + 1, 4)}`, quantity: 1 }] },
        key: `bench-${process.pid}-${Date.now().toString(36)}-${n}`,
      },
      headers: { authorization: `Bearer ${tokens[n % USERS]}` },
    }),
  },
];
