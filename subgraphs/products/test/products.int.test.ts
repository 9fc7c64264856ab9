import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateStore, seedSizesFromEnv, type SeedProduct } from "@store/seed-data";
import { queryEventsSettled, type RunningServer } from "@store/service-kit";
import { createTestDatabase, postGraphQL, testSubgraphConfig } from "@store/service-kit/testing";
import { loadProductsSettings } from "../src/config.ts";
import { productsMigrationsDir } from "../src/definition.ts";
import { seedProducts } from "../src/seed.ts";
import { createServer } from "../src/server.ts";

let server: Awaited<ReturnType<typeof createServer>>;
let running: RunningServer;
let url: string;

/** The same data the service seeded: expectations are computed from it, not from the service. */
const store = generateStore(seedSizesFromEnv());
const slugOf = new Map(store.categories.map((c) => [c.id, c.slug]));
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const idsOf = (rows: SeedProduct[]) => [...rows].sort(byId).map((p) => p.id);
const textMatches = (p: SeedProduct, text: string) =>
  p.name.toLowerCase().includes(text.toLowerCase()) || p.description.toLowerCase().includes(text.toLowerCase());

const gql = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(url, query, variables);

const SEARCH = `query ($filter: ProductFilter, $first: Int, $after: String) {
  products(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { id sku name description price { cents currency formatted } category { slug } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** Follows `endCursor` to the end; returns every id seen (duplicates kept) and each page's totalCount. */
async function searchAll(filter: Record<string, unknown> | null, first: number) {
  const ids: string[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  let pages = 0;
  do {
    const { body } = await gql(SEARCH, { filter, first, after });
    expect(body.errors).toBeUndefined();
    const connection = body.data.products;
    totals.add(connection.totalCount);
    expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
    ids.push(...connection.edges.map((edge: { node: { id: string } }) => edge.node.id));
    after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    pages++;
  } while (after);
  return { ids, totals: [...totals], pages };
}

/** SQL statements the service ran while answering one operation. */
async function statementsFor(query: string, variables: Record<string, unknown> = {}) {
  await queryEventsSettled();
  const before = (await server.metrics.dbQueries.get()).values[0]!.value;
  const { body } = await gql(query, variables);
  expect(body.errors).toBeUndefined();
  await queryEventsSettled();
  return { body, statements: (await server.metrics.dbQueries.get()).values[0]!.value - before };
}

beforeAll(async () => {
  server = await createServer(
    { config: testSubgraphConfig("products"), db: await createTestDatabase(productsMigrationsDir) },
    loadProductsSettings({}),
  );
  await seedProducts(server.prisma);
  running = await server.start();
  url = `${running.url}/graphql`;
});

afterAll(async () => {
  await server?.stop();
});

describe("products search", () => {
  it("filters by category", async () => {
    const expected = idsOf(store.products.filter((p) => slugOf.get(p.categoryId) === "audio"));
    const { ids, totals } = await searchAll({ categorySlug: "audio" }, 100);
    expect(ids).toEqual(expected);
    expect(totals).toEqual([expected.length]);
  });

  it("filters by price bounds, both inclusive", async () => {
    const prices = [...new Set(store.products.map((p) => p.priceCents))].sort((a, b) => a - b);
    const min = prices[Math.floor(prices.length * 0.8)]!;
    const max = prices[Math.floor(prices.length * 0.2)]!;
    const atLeast = await searchAll({ minPriceCents: min }, 100);
    expect(atLeast.ids).toEqual(idsOf(store.products.filter((p) => p.priceCents >= min)));
    expect(atLeast.ids.length).toBeGreaterThan(0);
    const atMost = await searchAll({ maxPriceCents: max }, 100);
    expect(atMost.ids).toEqual(idsOf(store.products.filter((p) => p.priceCents <= max)));
    const exact = await searchAll({ minPriceCents: min, maxPriceCents: min }, 100);
    expect(exact.ids).toEqual(idsOf(store.products.filter((p) => p.priceCents === min)));
    expect(exact.ids.length).toBeGreaterThan(0);
  });

  it("matches text case-insensitively in the name or the description", async () => {
    const inName = await searchAll({ text: "hEaDpHoNeS" }, 100);
    expect(inName.ids).toEqual(idsOf(store.products.filter((p) => textMatches(p, "headphones"))));
    expect(inName.ids.length).toBeGreaterThan(0);
    // "cameras range" only ever appears in descriptions ("... from our cameras range.").
    const inDescription = await searchAll({ text: "CAMERAS RANGE" }, 100);
    const expected = idsOf(store.products.filter((p) => textMatches(p, "cameras range")));
    expect(expected.length).toBeGreaterThan(0);
    expect(store.products.filter((p) => expected.includes(p.id)).every((p) => !p.name.toLowerCase().includes("cameras range"))).toBe(true);
    expect(inDescription.ids).toEqual(expected);
  });

  it("treats LIKE wildcards in text literally", async () => {
    expect((await searchAll({ text: "%" }, 100)).ids).toEqual([]);
    expect((await searchAll({ text: "_" }, 100)).ids).toEqual([]);
  });

  it("combines every filter with AND, and totalCount counts the whole match", async () => {
    const filter = { categorySlug: "kitchen", minPriceCents: 5000, maxPriceCents: 40000, text: "the" };
    const expected = idsOf(
      store.products.filter(
        (p) => slugOf.get(p.categoryId) === "kitchen" && p.priceCents >= 5000 && p.priceCents <= 40000 && textMatches(p, "the"),
      ),
    );
    expect(expected.length).toBeGreaterThan(3);
    const { body } = await gql(SEARCH, { filter, first: 2 });
    expect(body.data.products.totalCount).toBe(expected.length);
    expect(body.data.products.edges).toHaveLength(2);
    expect(body.data.products.pageInfo.hasNextPage).toBe(true);
    for (const { node } of body.data.products.edges) {
      expect(node.category.slug).toBe("kitchen");
      expect(node.price.cents).toBeGreaterThanOrEqual(5000);
      expect(node.price.cents).toBeLessThanOrEqual(40000);
    }
    expect((await searchAll(filter, 3)).ids).toEqual(expected);
  });

  it("pages through a filtered search without duplicates or gaps", async () => {
    const expected = idsOf(store.products.filter((p) => p.priceCents <= 20000));
    const { ids, totals, pages } = await searchAll({ maxPriceCents: 20000 }, 7);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
    expect(totals).toEqual([expected.length]);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it("pages through the whole catalogue by default page size", async () => {
    const { ids, totals } = await searchAll(null, 100);
    expect(ids).toEqual(idsOf(store.products));
    expect(totals).toEqual([store.products.length]);
  });

  it("returns an empty connection for an unknown category", async () => {
    const { body } = await gql(SEARCH, { filter: { categorySlug: "no-such-shelf" } });
    expect(body.data.products).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it("rejects invalid filters with BAD_USER_INPUT naming the fields", async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ minPriceCents: 500, maxPriceCents: 100 }, ["maxPriceCents"]],
      [{ minPriceCents: -1 }, ["minPriceCents"]],
      [{ maxPriceCents: -1 }, ["maxPriceCents"]],
      [{ text: "x".repeat(101) }, ["text"]],
      [{ text: "   " }, ["text"]],
    ];
    for (const [filter, fields] of cases) {
      const { body } = await gql(SEARCH, { filter });
      expect(body.data?.products ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "filter", fields });
    }
  });

  it("rejects a forged cursor and an out-of-range page size", async () => {
    const forged = await gql(SEARCH, { after: "not-a-cursor" });
    expect(forged.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const numeric = await gql(SEARCH, { after: Buffer.from("[42]").toString("base64url") });
    expect(numeric.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const tooMany = await gql(SEARCH, { first: 101 });
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("single product", () => {
  const PRODUCT = `query ($id: ID, $sku: String) { product(id: $id, sku: $sku) { id sku name weightGrams createdAt price { cents currency formatted } category { slug name } } }`;
  const seeded = store.products[41]!;

  it("finds a product by id and by sku, with its fields", async () => {
    const expected = {
      id: seeded.id,
      sku: seeded.sku,
      name: seeded.name,
      weightGrams: seeded.weightGrams,
      createdAt: seeded.createdAt.toISOString(),
      price: {
        cents: seeded.priceCents,
        currency: "USD",
        formatted: `$${(seeded.priceCents / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`,
      },
      category: { slug: slugOf.get(seeded.categoryId), name: store.categories.find((c) => c.id === seeded.categoryId)!.name },
    };
    expect((await gql(PRODUCT, { id: seeded.id })).body).toEqual({ data: { product: expected } });
    expect((await gql(PRODUCT, { sku: seeded.sku })).body).toEqual({ data: { product: expected } });
  });

  it("returns null for an unknown id or sku", async () => {
    expect((await gql(PRODUCT, { id: "prd_9999" })).body).toEqual({ data: { product: null } });
    expect((await gql(PRODUCT, { sku: "SKU-99999" })).body).toEqual({ data: { product: null } });
  });

  it("requires exactly one of id and sku", async () => {
    for (const variables of [{}, { id: seeded.id, sku: seeded.sku }, { id: null, sku: null }]) {
      const { body } = await gql(PRODUCT, variables);
      expect(body.data?.product ?? null).toBeNull();
      expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});

describe("entity resolution", () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id sku name price { formatted } category { name } } } }`;

  it("resolves references by id and by sku in order, null for unknown keys", async () => {
    const r = [
      { __typename: "Product", sku: "SKU-00003" },
      { __typename: "Product", id: "prd_0001" },
      { __typename: "Product", id: "prd_9999" },
      { __typename: "Product", sku: "SKU-00002" },
      { __typename: "Product", sku: "SKU-99999" },
      { __typename: "Product", id: "prd_0003" },
    ];
    const { body } = await gql(ENTITIES, { r });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities.map((p: { id: string; sku: string } | null) => (p ? [p.id, p.sku] : null))).toEqual([
      ["prd_0003", "SKU-00003"],
      ["prd_0001", "SKU-00001"],
      null,
      ["prd_0002", "SKU-00002"],
      null,
      ["prd_0003", "SKU-00003"],
    ]);
    expect(body.data._entities[0].category.name).toBe(store.categories.find((c) => c.id === store.products[2]!.categoryId)!.name);
  });

  it("runs the same number of SQL statements for 5 and for 100 references", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name price { formatted } category { name } } } }`;
    const byIds = (n: number) => store.products.slice(0, n).map((p) => ({ __typename: "Product", id: p.id }));
    const mixed = (n: number) =>
      store.products.slice(0, n).map((p, i) => ({ __typename: "Product", ...(i % 2 ? { id: p.id } : { sku: p.sku }) }));

    const five = await statementsFor(query, { r: byIds(5) });
    const hundred = await statementsFor(query, { r: byIds(100) });
    expect(five.body.data._entities).toHaveLength(5);
    expect(hundred.body.data._entities.every((p: { name: string } | null) => p?.name)).toBe(true);
    expect(hundred.statements).toBe(five.statements);
    expect(five.statements).toBe(2); // products by id, categories by id

    const mixedFive = await statementsFor(query, { r: mixed(5) });
    const mixedHundred = await statementsFor(query, { r: mixed(100) });
    expect(mixedHundred.statements).toBe(mixedFive.statements);
    expect(mixedFive.statements).toBe(3); // products by id, products by sku, categories by id
  });
});

describe("categories", () => {
  const countIn = (categoryId: string) => store.products.filter((p) => p.categoryId === categoryId).length;

  it("lists every category with its product count and first products", async () => {
    const { body } = await gql(
      `{ categories { id slug name productCount products(first: 3) { totalCount edges { node { id category { id } } } pageInfo { hasNextPage } } } }`,
    );
    expect(body.errors).toBeUndefined();
    const categories = body.data.categories;
    expect(categories.map((c: { name: string }) => c.name)).toEqual(store.categories.map((c) => c.name).sort());
    for (const category of categories) {
      const expected = idsOf(store.products.filter((p) => p.categoryId === category.id));
      expect(category.productCount).toBe(expected.length);
      expect(category.products.totalCount).toBe(expected.length);
      expect(category.products.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expected.slice(0, 3));
      expect(category.products.edges.every((e: { node: { category: { id: string } } }) => e.node.category.id === category.id)).toBe(true);
      expect(category.products.pageInfo.hasNextPage).toBe(expected.length > 3);
    }
  });

  it("finds a category by slug, null for an unknown one", async () => {
    const audio = store.categories.find((c) => c.slug === "audio")!;
    const { body } = await gql(`{ category(slug: "audio") { id name productCount } none: category(slug: "nope") { id } }`);
    expect(body).toEqual({ data: { category: { id: audio.id, name: audio.name, productCount: countIn(audio.id) }, none: null } });
  });

  it("pages through one category's products", async () => {
    const expected = idsOf(store.products.filter((p) => slugOf.get(p.categoryId) === "books"));
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const { body } = await gql(
        `query ($after: String) { category(slug: "books") { products(first: 6, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      const connection = body.data.category.products;
      ids.push(...connection.edges.map((e: { node: { id: string } }) => e.node.id));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(ids).toEqual(expected);
  });

  it("loads products and counts for all categories in as many statements as for one", async () => {
    const selection = `id productCount products(first: 5) { totalCount edges { node { name price { formatted } category { name } } } }`;
    const all = await statementsFor(`{ categories { ${selection} } }`);
    const one = await statementsFor(`{ category(slug: "garden") { ${selection} } }`);
    expect(all.body.data.categories).toHaveLength(store.categories.length);
    expect(all.statements).toBe(one.statements);
    expect(all.statements).toBe(3); // categories, one LATERAL page query, one groupBy count
  });
});

describe("health", () => {
  it("answers ready on /health/ready", async () => {
    const response = await fetch(`${running.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });
});
