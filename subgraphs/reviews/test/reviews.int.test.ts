import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv, type SeedReview } from "@store/seed-data";
import { queryEventsSettled, type RunningServer } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig, callerHeaders } from "@store/service-kit/testing";
import { accountsMigrationsDir, createServer as createAccountsServer, seedAccounts } from "@store/accounts";
import { createServer as createProductsServer, loadProductsSettings, productsMigrationsDir, seedProducts } from "@store/products";
import { reviewsMigrationsDir } from "../src/definition.ts";
import { createServer } from "../src/server.ts";
import { seedReviews } from "../src/seed.ts";

/**
 * The reviews subgraph over real HTTP, with the REAL accounts and products subgraphs beside it
 * (in-process, each on its own seeded test database): addReview asks them whether the product and
 * the author exist.
 */

const store = generateStore(seedSizesFromEnv());
const usernameOf = new Map(store.users.map((u) => [u.id, u.username]));

/** The seed's reviews of one product (or author), newest first: the order the API promises. */
const newestFirst = (a: SeedReview, b: SeedReview) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const seededReviewsOf = (key: "productId" | "authorId", id: string) => store.reviews.filter((r) => r[key] === id).sort(newestFirst);

const reviewCounts = new Map<string, number>();
for (const r of store.reviews) reviewCounts.set(r.productId, (reviewCounts.get(r.productId) ?? 0) + 1);
/** The product with the most reviews, for paging tests. */
const busiestProduct = [...reviewCounts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
const productWithoutReviews = store.products.find((p) => !reviewCounts.has(p.id))?.id ?? "prd_9999";

let accountsServer: Awaited<ReturnType<typeof createAccountsServer>>;
let productsServer: Awaited<ReturnType<typeof createProductsServer>>;
let server: Awaited<ReturnType<typeof createServer>>;
let running: RunningServer;
let url: string;

const sum = async (metric: { get(): Promise<{ values: { value: number }[] }> }) =>
  (await metric.get()).values.reduce((total, v) => total + v.value, 0);

/** SQL statements the reviews service runs to answer one operation. */
async function statementsFor(query: string, variables: Record<string, unknown> = {}) {
  await queryEventsSettled();
  const before = await sum(server.metrics.dbQueries);
  const { body } = await postGraphQL(url, query, variables);
  await queryEventsSettled();
  return { body, statements: (await sum(server.metrics.dbQueries)) - before };
}

const reviewRowCount = () => server.prisma.review.count();

async function startAccounts() {
  accountsServer = await createAccountsServer(
    {
      config: testSubgraphConfig("accounts"),
      db: await createTestDatabase(accountsMigrationsDir),
    },
    { jwtSecret: "reviews-test-secret-0123456789abcdef", tokenTtlMinutes: 60 },
  );
  await seedAccounts(accountsServer.prisma);
  return `${(await accountsServer.start()).url}/graphql`;
}

async function startProducts() {
  productsServer = await createProductsServer(
    {
      config: testSubgraphConfig("products"),
      db: await createTestDatabase(productsMigrationsDir),
    },
    loadProductsSettings({}),
  );
  await seedProducts(productsServer.prisma);
  return `${(await productsServer.start()).url}/graphql`;
}

beforeAll(async () => {
  // The three start independently; the reviews database needs none of the others to be up.
  const [accountsUrl, productsUrl, db] = await Promise.all([startAccounts(), startProducts(), createTestDatabase(reviewsMigrationsDir)]);
  server = await createServer({ config: testSubgraphConfig("reviews"), db }, { productsUrl, accountsUrl, upstreamTimeoutMs: 2000 });
  expect(await seedReviews(server.prisma)).toBe(true);
  running = await server.start();
  url = `${running.url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
  await productsServer?.stop();
  await accountsServer?.stop();
});

const PRODUCT_REVIEWS = `query ($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on Product {
      reviewCount
      reviews(first: $first, after: $after) {
        totalCount
        edges { cursor node { id rating createdAt } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}`;

describe("reading reviews", () => {
  it("pages through a product's reviews newest first, without duplicates, with a stable total", async () => {
    const expected = seededReviewsOf("productId", busiestProduct);
    expect(expected.length).toBeGreaterThan(12);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: any } = await postGraphQL(url, PRODUCT_REVIEWS, {
        r: [{ __typename: "Product", id: busiestProduct }],
        first: 5,
        after,
      });
      expect(body.errors).toBeUndefined();
      const { reviews, reviewCount }: { reviews: any; reviewCount: number } = body.data._entities[0];
      expect(reviews.totalCount).toBe(expected.length);
      expect(reviewCount).toBe(expected.length);
      expect(reviews.pageInfo.hasPreviousPage).toBe(pages > 0);
      expect(reviews.edges.length).toBeLessThanOrEqual(5);
      expect(reviews.pageInfo.endCursor).toBe(reviews.edges.at(-1).cursor);
      seen.push(...reviews.edges.map((e: { node: { id: string } }) => e.node.id));
      after = reviews.pageInfo.hasNextPage ? reviews.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(Math.ceil(expected.length / 5));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected.map((r) => r.id));
  });

  it("keeps the arguments in the loader key: two page sizes on one product give two different pages", async () => {
    const { body, statements } = await statementsFor(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
        one: reviews(first: 1) { edges { node { id } } }
        three: reviews(first: 3) { edges { node { id } } }
        again: reviews(first: 3) { edges { node { id } } }
      } } }`,
      {
        r: [
          { __typename: "Product", id: busiestProduct },
          { __typename: "Product", id: "prd_0002" },
        ],
      },
    );
    expect(body.errors).toBeUndefined();
    const [busy, other] = body.data._entities;
    const ids = (list: { edges: { node: { id: string } }[] }) => list.edges.map((e) => e.node.id);
    expect(ids(busy.one)).toEqual(
      seededReviewsOf("productId", busiestProduct)
        .slice(0, 1)
        .map((r) => r.id),
    );
    expect(ids(busy.three)).toEqual(
      seededReviewsOf("productId", busiestProduct)
        .slice(0, 3)
        .map((r) => r.id),
    );
    expect(ids(busy.again)).toEqual(ids(busy.three));
    expect(ids(other.three)).toEqual(
      seededReviewsOf("productId", "prd_0002")
        .slice(0, 3)
        .map((r) => r.id),
    );
    // One statement per distinct (first, after), not per product or per alias.
    expect(statements).toBe(2);
  });

  it("lists a user's reviews newest first with their total", async () => {
    const expected = seededReviewsOf("authorId", "usr_0007");
    const { body } = await postGraphQL(
      url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id reviews(first: 4) { totalCount edges { node { id author { id username } } } pageInfo { hasNextPage } } } } }`,
      { r: [{ __typename: "User", id: "usr_0007" }] },
    );
    expect(body.errors).toBeUndefined();
    const { reviews } = body.data._entities[0];
    expect(reviews.totalCount).toBe(expected.length);
    expect(reviews.pageInfo.hasNextPage).toBe(expected.length > 4);
    expect(reviews.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expected.slice(0, 4).map((r) => r.id));
    for (const edge of reviews.edges) expect(edge.node.author).toEqual({ id: "usr_0007", username: usernameOf.get("usr_0007") });
  });

  it("computes averageRating and reviewCount as the seed data says, null average without reviews", async () => {
    const ids = [busiestProduct, "prd_0001", "prd_0010", "prd_0500", productWithoutReviews];
    const { body } = await postGraphQL(
      url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id averageRating reviewCount } } }`,
      {
        r: ids.map((id) => ({ __typename: "Product", id })),
      },
    );
    expect(body.errors).toBeUndefined();
    ids.forEach((id, i) => {
      const ratings = store.reviews.filter((r) => r.productId === id).map((r) => r.rating);
      const product = body.data._entities[i];
      expect(product.id).toBe(id);
      expect(product.reviewCount).toBe(ratings.length);
      if (ratings.length === 0) expect(product.averageRating).toBeNull();
      else {
        // One decimal, as the store shows it, and the nearest such value to the exact mean.
        const mean = ratings.reduce((a, b) => a + b, 0) / ratings.length;
        expect(String(product.averageRating)).toMatch(/^[1-5](\.\d)?$/);
        expect(Math.abs(product.averageRating - mean)).toBeLessThanOrEqual(0.05 + 1e-9);
      }
    });
  });

  it("answers Review.author { id username } from its own copy, without calling accounts (@provides)", async () => {
    const accountsCallsBefore = await sum(accountsServer.metrics.httpRequests);
    const { body, statements } = await statementsFor(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Review { id rating product { id } author { id username } } } }`,
      { r: ["rev_00002", "rev_99999", "rev_00001"].map((id) => ({ __typename: "Review", id })) },
    );
    expect(body.errors).toBeUndefined();
    const seeded = (id: string) => store.reviews.find((r) => r.id === id)!;
    expect(body.data._entities).toEqual([
      {
        id: "rev_00002",
        rating: seeded("rev_00002").rating,
        product: { id: seeded("rev_00002").productId },
        author: { id: seeded("rev_00002").authorId, username: seeded("rev_00002").authorUsername },
      },
      null,
      {
        id: "rev_00001",
        rating: seeded("rev_00001").rating,
        product: { id: seeded("rev_00001").productId },
        author: { id: seeded("rev_00001").authorId, username: seeded("rev_00001").authorUsername },
      },
    ]);
    expect(statements).toBe(1);
    expect(await sum(accountsServer.metrics.httpRequests)).toBe(accountsCallsBefore);
  });

  it("keeps the SQL statement count constant for 5 or 100 products with nested reviews and stats", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
      id reviews(first: 5) { edges { node { rating author { username } } } } averageRating reviewCount
    } } }`;
    const run = async (count: number) => {
      const ids = Array.from({ length: count }, (_, i) => `prd_${String(i + 1).padStart(4, "0")}`);
      const { body, statements } = await statementsFor(query, { r: ids.map((id) => ({ __typename: "Product", id })) });
      expect(body.errors).toBeUndefined();
      expect(body.data._entities).toHaveLength(count);
      const last = body.data._entities[count - 1];
      const expected = seededReviewsOf("productId", ids[count - 1]!).slice(0, 5);
      expect(last.reviews.edges.map((e: { node: { author: { username: string } } }) => e.node.author.username)).toEqual(
        expected.map((r) => r.authorUsername),
      );
      return statements;
    };
    const small = await run(5);
    const large = await run(100);
    expect(small).toBe(2); // one window-function page query + one groupBy for the stats
    expect(large).toBe(small);
  });

  it("finds a review by id and returns null for an unknown one", async () => {
    const { body } = await postGraphQL(url, `{ a: review(id: "rev_00003") { id title createdAt } b: review(id: "rev_nope") { id } }`);
    const seeded = store.reviews.find((r) => r.id === "rev_00003")!;
    expect(body.data).toEqual({ a: { id: "rev_00003", title: seeded.title, createdAt: seeded.createdAt.toISOString() }, b: null });
  });

  it("rejects a forged cursor and an out-of-range page size with BAD_USER_INPUT", async () => {
    const forged = Buffer.from(JSON.stringify(["not a date", "rev_00001"])).toString("base64url");
    for (const variables of [{ after: "garbage" }, { after: forged }, { first: 101 }, { first: -1 }]) {
      const { body } = await postGraphQL(url, PRODUCT_REVIEWS, { r: [{ __typename: "Product", id: "prd_0001" }], ...variables });
      expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("answers ready on /health/ready", async () => {
    const response = await fetch(`${running.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });
});

const ADD_REVIEW = `mutation ($input: AddReviewInput!) {
  addReview(input: $input) { id rating title body createdAt product { id } author { id username } }
}`;
const validInput = { productId: "prd_0002", rating: 1, title: "  Broke on day two  ", body: " The hinge snapped. " };
/** The author: the claims header the router sends for the signed-in usr_0003. */
const asAuthor = callerHeaders("usr_0003");

describe("addReview", () => {
  it("stores a valid review, which then comes first in Product.reviews and moves the average", async () => {
    const stats = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { averageRating reviewCount reviews(first: 1) { totalCount edges { node { id title author { username } } } } } } }`;
    const r = [{ __typename: "Product", id: "prd_0002" }];
    const before = (await postGraphQL(url, stats, { r })).body.data._entities[0];
    const ratings = store.reviews.filter((x) => x.productId === "prd_0002").map((x) => x.rating);
    expect(before.reviewCount).toBe(ratings.length);

    const { body } = await postGraphQL(url, ADD_REVIEW, { input: validInput }, asAuthor);
    expect(body.errors).toBeUndefined();
    const added = body.data.addReview;
    expect(added).toMatchObject({
      rating: 1,
      title: "Broke on day two",
      body: "The hinge snapped.",
      product: { id: "prd_0002" },
      author: { id: "usr_0003", username: usernameOf.get("usr_0003") },
    });
    expect(added.id).toMatch(/^rev_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Date.now() - Date.parse(added.createdAt)).toBeLessThan(60_000);

    const after = (await postGraphQL(url, stats, { r })).body.data._entities[0];
    expect(after.reviewCount).toBe(ratings.length + 1);
    expect(after.reviews.totalCount).toBe(ratings.length + 1);
    expect(after.reviews.edges[0].node).toEqual({
      id: added.id,
      title: "Broke on day two",
      author: { username: usernameOf.get("usr_0003") },
    });
    const mean = (ratings.reduce((a, b) => a + b, 0) + 1) / (ratings.length + 1);
    expect(Math.abs(after.averageRating - mean)).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(after.averageRating).toBeLessThanOrEqual(before.averageRating); // shown to one decimal, a 1 may not move it

    const stored = await server.prisma.review.findUnique({ where: { id: added.id } });
    expect(stored).toMatchObject({ authorUsername: usernameOf.get("usr_0003"), title: "Broke on day two" });
  });

  const invalid: Array<[string, Partial<typeof validInput>, string]> = [
    ["rating 0", { rating: 0 }, "rating"],
    ["rating 6", { rating: 6 }, "rating"],
    ["blank title", { title: "   " }, "title"],
    ["121-character title", { title: "x".repeat(121) }, "title"],
    ["empty body", { body: "" }, "body"],
    ["5001-character body", { body: "y".repeat(5001) }, "body"],
    ["blank productId", { productId: " " }, "productId"],
  ];
  it.each(invalid)("rejects %s with BAD_USER_INPUT naming the field, writing nothing", async (_, change, field) => {
    const rowsBefore = await reviewRowCount();
    const { body } = await postGraphQL(url, ADD_REVIEW, { input: { ...validInput, ...change } }, asAuthor);
    expect(body.data?.addReview ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(await reviewRowCount()).toBe(rowsBefore);
  });

  it("accepts the limits: rating 5, a 120-character title and a 5000-character body", async () => {
    const { body } = await postGraphQL(
      url,
      ADD_REVIEW,
      { input: { ...validInput, rating: 5, title: "t".repeat(120), body: "b".repeat(5000) } },
      asAuthor,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.addReview.title).toHaveLength(120);
  });

  it("answers NOT_FOUND for an unknown product and UNAUTHENTICATED for an author who does not exist, writing nothing", async () => {
    const rowsBefore = await reviewRowCount();
    const product = await postGraphQL(url, ADD_REVIEW, { input: { ...validInput, productId: "prd_9999" } }, asAuthor);
    expect(product.body.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "productId" });
    const author = await postGraphQL(url, ADD_REVIEW, { input: validInput }, callerHeaders("usr_9999"));
    expect(author.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await reviewRowCount()).toBe(rowsBefore);
  });

  it("answers UNAUTHENTICATED without a signed-in author, writing nothing", async () => {
    const rowsBefore = await reviewRowCount();
    const { body } = await postGraphQL(url, ADD_REVIEW, { input: validInput });
    expect(body.data?.addReview ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await reviewRowCount()).toBe(rowsBefore);
  });

  it("ignores a claims header that does not parse: the caller is anonymous", async () => {
    const { body } = await postGraphQL(url, ADD_REVIEW, { input: validInput }, { "x-supergraph-claims": "not-base64-json" });
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  // Last: stops the products subgraph.
  it("answers SERVICE_UNAVAILABLE when products is down, writing nothing", async () => {
    await productsServer.stop();
    productsServer = undefined!;
    const rowsBefore = await reviewRowCount();
    const { body } = await postGraphQL(url, ADD_REVIEW, { input: validInput }, asAuthor);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", service: "products" });
    expect(await reviewRowCount()).toBe(rowsBefore);
  });
});
