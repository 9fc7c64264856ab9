import { Kind, buildSchema, parse, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { composeSubgraphs } from "@store/composition";
import { createLogger } from "@store/service-kit";
import { demandControlConfigSchema } from "../../../src/features/demand-control/config.ts";
import { costModelFromSchema, costModelFromSupergraph, type CostModel } from "../../../src/features/demand-control/cost-model.ts";
import { MUTATION_BASE_COST, estimateCost } from "../../../src/features/demand-control/estimate.ts";
import { createDemandControlHooks } from "../../../src/features/demand-control/index.ts";
import type { FeatureHooks } from "../../../src/features/feature.ts";
import { composeStoreSupergraph } from "@store/composition";

/** A small graph with every kind of cost fact, composed the way the store's is. */
const SHOP = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key", "@cost", "@listSize"])
  type Query {
    items(first: Int = 5, last: Int): ItemConnection! @listSize(slicingArguments: ["first", "last"], sizedFields: ["edges"])
    tags: [String!]!
    shelves: [Shelf!]! @listSize(assumedSize: 4)
    bins: [Shelf!]!
    search(filter: Filter, boost: Int @cost(weight: 3)): [Item!]! @listSize(assumedSize: 2)
    node: Node
  }
  type Mutation { restock(id: ID!): Item! @cost(weight: 7) }
  interface Node { id: ID! }
  type ItemConnection { edges: [ItemEdge!]! total: Int! }
  type ItemEdge { node: Item! }
  type Item implements Node @key(fields: "id") { id: ID! name: String! price: Price! quote: Price! @cost(weight: 20) }
  type Shelf implements Node { id: ID! items(first: Int = 3): [Item!]! @listSize(slicingArguments: ["first"]) }
  type Price @cost(weight: 2) { cents: Int! }
  input Filter { text: String @cost(weight: 10) nested: Filter }
`;

let shop: CostModel;
let store: CostModel;

beforeAll(async () => {
  const composed = composeSubgraphs([{ name: "shop", url: "http://shop/graphql", sdl: SHOP }]);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  shop = costModelFromSupergraph(composed.supergraphSdl);
  store = costModelFromSupergraph((await composeStoreSupergraph()).sdl);
});

function cost(model: CostModel, query: string, variables: Record<string, unknown> = {}, defaultListSize = 10) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return estimateCost(model, document, operation, variables, defaultListSize);
}

describe("estimateCost", () => {
  it("weighs objects 1 and scalars 0, with @cost on a type or a field replacing the type's weight", () => {
    expect(cost(shop, `{ node { id } }`).cost).toBe(1);
    // items: connection 1 + 5 edges x (edge 1 + item 1 + price 2 + quote 20).
    expect(cost(shop, `{ items { edges { node { name price { cents } quote { cents } } } } }`).cost).toBe(1 + 5 * (1 + 1 + 2 + 20));
  });

  it("sizes lists by the largest slicing argument (literal, variable, variable default, argument default)", () => {
    const edges = (n: number) => 1 + n * 2;
    const q = (args: string) => `query Q($n: Int, $m: Int = 7) { items${args} { edges { node { id } } } }`;
    expect(cost(shop, q("")).cost).toBe(edges(5));
    expect(cost(shop, q("(first: 40)")).cost).toBe(edges(40));
    expect(cost(shop, q("(first: 3, last: 9)")).cost).toBe(edges(9));
    expect(cost(shop, q("(first: $n)"), { n: 25 })).toEqual({ cost: edges(25), usedVariables: true });
    expect(cost(shop, q("(first: $m)")).cost).toBe(edges(7));
  });

  it("uses @listSize(assumedSize), else the default list size; scalar lists cost nothing", () => {
    expect(cost(shop, `{ shelves { id } }`).cost).toBe(4);
    expect(cost(shop, `{ bins { id } }`, {}, 6).cost).toBe(6);
    expect(cost(shop, `{ tags }`).cost).toBe(0);
    // Nested lists multiply: 4 shelves x (1 + 3 items x 1).
    expect(cost(shop, `{ shelves { items { id } } }`).cost).toBe(4 * (1 + 3));
  });

  it("adds argument and input-field weights when they are given, through variables too", () => {
    expect(cost(shop, `{ search { id } }`).cost).toBe(2);
    expect(cost(shop, `{ search(boost: 1) { id } }`).cost).toBe(2 + 3);
    expect(cost(shop, `{ search(filter: { text: "a", nested: { text: "b" } }) { id } }`).cost).toBe(2 + 20);
    expect(cost(shop, `query($f: Filter) { search(filter: $f) { id } }`, { f: { text: "a" } })).toEqual({ cost: 12, usedVariables: true });
    expect(cost(shop, `query($f: Filter) { search(filter: $f) { id } }`, { f: {} }).cost).toBe(2);
  });

  it("adds a base cost to mutations", () => {
    expect(cost(shop, `mutation { restock(id: "1") { id } }`).cost).toBe(MUTATION_BASE_COST + 7);
  });

  it("counts fragments where they are spread, skips @skip/@include-d fields and introspection", () => {
    const query = `query($skip: Boolean!) {
      a: items(first: 2) { ...Page }
      b: items(first: 4) { ...Page }
      shelves @skip(if: $skip) { id }
      __schema { types { name } }
      __typename
    }
    fragment Page on ItemConnection { edges { node { ...ItemFields } } }
    fragment ItemFields on Item { price { cents } }`;
    const page = (n: number) => 1 + n * (1 + 1 + 2);
    expect(cost(shop, query, { skip: true }).cost).toBe(page(2) + page(4));
    expect(cost(shop, query, { skip: false }).cost).toBe(page(2) + page(4) + 4);
  });

  it("does not depend on variables when none feed the cost", () => {
    expect(cost(shop, `query($id: ID!) { restock(id: $id) { id } }`.replace("query", "mutation")).usedVariables).toBe(false);
  });

  it("costs a fragment chain that doubles at every step in no time", () => {
    const chain = Array.from({ length: 30 }, (_, i) => `fragment F${i + 1} on Shelf { ...F${i} ...F${i} }`).join("\n");
    const started = performance.now();
    const { cost: total } = cost(shop, `{ shelves { ...F30 } } fragment F0 on Shelf { items { id } }\n${chain}`);
    expect(performance.now() - started).toBeLessThan(50);
    expect(total).toBe(4 * (1 + 2 ** 30 * 3));
  });

  it("reads the store's own directives: a product page is cheap, a deep listing is not", () => {
    const page = cost(
      store,
      `query($sku: String!) { product(sku: $sku) { name shippingEstimate { formatted } reviews(first: 3) { edges { node { title } } } } }`,
    );
    // product 1 + shippingEstimate @cost 5 + reviews connection 1 + 3 x (edge 1 + review 1).
    expect(page).toEqual({ cost: 1 + 5 + 1 + 3 * 2, usedVariables: false });
    const listing = cost(
      store,
      `{ products(first: 100) { edges { node { shippingEstimate { formatted } reviews(first: 100) { edges { node { title } } } } } } }`,
    );
    expect(listing.cost).toBe(1 + 100 * (1 + 1 + 5 + 1 + 100 * 2));
    const search = cost(store, `{ products(filter: { text: "lamp" }, first: 1) { totalCount } }`);
    expect(search.cost).toBe(1 + 10);
  });

  it("gives every type its default weight without a supergraph", () => {
    const model = costModelFromSchema(buildSchema(`type Query { a: [A] } type A { b: Int }`));
    expect(cost(model, `{ a { b } }`, {}, 3).cost).toBe(3);
  });
});

describe("demand control stage", () => {
  const config = demandControlConfigSchema.parse({ maxCost: 50 });
  const logger = createLogger("test", "silent");

  // Like Apollo Server's document store: the same text gives the same parsed document (and cache key).
  const parsed = new Map<string, DocumentNode>();

  /** Runs the plugin the way Apollo Server does: schema load, then one request up to its response. */
  async function runPlugin(stage: FeatureHooks, supergraphSdl: string, query: string, headers: Record<string, string> = {}) {
    const plugin = stage.operation![0]!;
    const listener = await plugin.serverWillStart!({} as never);
    listener!.schemaDidLoadOrUpdate!({ apiSchema: buildSchema(`type Query { a: Int }`), coreSupergraphSdl: supergraphSdl });
    const document = parsed.get(query) ?? parsed.set(query, parse(query)).get(query)!;
    const operation = document.definitions[0] as OperationDefinitionNode;
    const request = { query, variables: {}, http: { headers: new Map(Object.entries(headers)) } };
    const hooks = (await plugin.requestDidStart!({ request } as never))!;
    // Apollo hands every hook of one request the same context object.
    const context = {
      document,
      operation,
      request,
      operationName: null,
      response: { body: { kind: "single", singleResult: { data: {} } } },
    };
    let error: unknown;
    try {
      await hooks.didResolveOperation!(context as never);
    } catch (caught) {
      error = caught;
    }
    await hooks.willSendResponse?.(context as never);
    const response = context.response;
    return {
      error: error as { extensions: Record<string, unknown> } | undefined,
      extensions: (response.body.singleResult as { extensions?: Record<string, unknown> }).extensions,
    };
  }

  it("rejects above maxCost in enforce mode with the estimate and the maximum", async () => {
    const supergraph = composeSubgraphs([{ name: "shop", url: "http://shop/graphql", sdl: SHOP }]) as { supergraphSdl: string };
    const stage = createDemandControlHooks({ config, logger })!;
    const { error } = await runPlugin(stage, supergraph.supergraphSdl, `{ items(first: 30) { edges { node { id } } } }`);
    expect(error?.extensions).toMatchObject({ code: "COST_LIMIT_EXCEEDED", estimatedCost: 61, maxCost: 50, http: { status: 400 } });
    expect((await runPlugin(stage, supergraph.supergraphSdl, `{ items(first: 20) { edges { node { id } } } }`)).error).toBeUndefined();
  });

  it("only reports in measure mode, and puts the estimate in extensions.cost when asked", async () => {
    const supergraph = composeSubgraphs([{ name: "shop", url: "http://shop/graphql", sdl: SHOP }]) as { supergraphSdl: string };
    const stage = createDemandControlHooks({ config: { ...config, mode: "measure" }, logger })!;
    const query = `{ items(first: 30) { edges { node { id } } } }`;
    const asked = await runPlugin(stage, supergraph.supergraphSdl, query, { "graphql-cost": "report" });
    expect(asked.error).toBeUndefined();
    expect(asked.extensions).toEqual({ cost: { estimated: 61, max: 50, mode: "measure" } });
    expect((await runPlugin(stage, supergraph.supergraphSdl, query)).extensions).toBeUndefined();
  });

  it("rebuilds its model when the supergraph changes", async () => {
    const stage = createDemandControlHooks({ config, logger })!;
    const query = `{ node { id } items(first: 1) { edges { node { quote { cents } } } } }`;
    const before = composeSubgraphs([{ name: "shop", url: "http://shop/graphql", sdl: SHOP }]) as { supergraphSdl: string };
    const after = composeSubgraphs([
      { name: "shop", url: "http://shop/graphql", sdl: SHOP.replace("@cost(weight: 20)", "@cost(weight: 60)") },
    ]) as { supergraphSdl: string };
    const headers = { "graphql-cost": "report" };
    expect((await runPlugin(stage, before.supergraphSdl, query, headers)).extensions).toMatchObject({
      cost: { estimated: 1 + 1 + 1 * (1 + 1 + 20) },
    });
    const swapped = await runPlugin(stage, after.supergraphSdl, query, headers);
    expect(swapped.error?.extensions).toMatchObject({ code: "COST_LIMIT_EXCEEDED", estimatedCost: 1 + 1 + 1 * (1 + 1 + 60) });
  });

  it("is no stage at all when disabled", () => {
    expect(createDemandControlHooks({ config: { ...config, enabled: false }, logger })).toBeUndefined();
  });
});
