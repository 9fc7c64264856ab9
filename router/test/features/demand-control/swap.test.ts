import { ApolloGateway, type SupergraphSdlHook } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { afterAll, describe, expect, it } from "vitest";
import { composeSubgraphs } from "@store/composition";
import { createLogger } from "@store/service-kit";
import { demandControlConfigSchema } from "../../../src/features/demand-control/config.ts";
import { createDemandControlHooks } from "../../../src/features/demand-control/index.ts";

const subgraph = (weight: number) => `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key", "@cost", "@listSize"])
  type Query { items(first: Int = 5): [Item!]! @listSize(slicingArguments: ["first"]) }
  type Item @key(fields: "id") { id: ID! quote: Int! @cost(weight: ${weight}) }
`;

function supergraph(weight: number): string {
  const result = composeSubgraphs([{ name: "shop", url: "http://127.0.0.1:9/graphql", sdl: subgraph(weight) }]);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return result.supergraphSdl;
}

/**
 * The real path of a supergraph swap: @apollo/gateway takes a new supergraph from its supergraphSdl
 * hook (as the registry source does) and Apollo Server tells the plugin, which rebuilds its model.
 * The operations are over the limit, so they are rejected before the (unreachable) subgraph is called.
 */
describe("demand control across a supergraph swap", () => {
  let update: ((sdl: string) => void) | undefined;
  const hook: SupergraphSdlHook = async ({ update: push }) => {
    update = push;
    return { supergraphSdl: supergraph(3) };
  };
  const stage = createDemandControlHooks({
    config: demandControlConfigSchema.parse({ maxCost: 10 }),
    logger: createLogger("test", "silent"),
  })!;
  const server = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: hook, logger: createLogger("gateway", "silent") }),
    plugins: stage.operation!,
  });
  afterAll(() => server.stop());

  async function rejection(query: string) {
    const response = await server.executeOperation({ query });
    const result = response.body.kind === "single" ? response.body.singleResult : undefined;
    return { status: response.http.status, extensions: result?.errors?.[0]?.extensions };
  }

  it("estimates with the directives of the supergraph being served", async () => {
    await server.start();
    const query = `{ items(first: 4) { id quote } }`;
    // 4 items x (item 1 + quote 3).
    expect(await rejection(query)).toMatchObject({ status: 400, extensions: { code: "COST_LIMIT_EXCEEDED", estimatedCost: 16 } });
    update!(supergraph(9));
    // Same text, so Apollo reuses the parsed document: the cached estimate must not survive the swap.
    await expect.poll(async () => (await rejection(query)).extensions?.estimatedCost).toBe(4 * (1 + 9));
  });
});
