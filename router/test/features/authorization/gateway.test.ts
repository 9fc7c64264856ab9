import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApolloGateway, type SupergraphSdlHook } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { Registry } from "prom-client";
import { createLogger } from "@store/service-kit";
import { composeSubgraphs } from "@store/composition";
import type { Caller } from "@store/wire";
import type { RouterContext } from "../../../src/context.ts";
import { createAuthorizationHooks } from "../../../src/features/authorization/index.ts";
import { admin, customer } from "./authorization-fixture.ts";

/**
 * The authorization plugin in Apollo Server with the real @apollo/gateway over two real subgraphs
 * (in-process HTTP servers): what each subgraph receives proves denied fields never leave the router.
 */
const PEOPLE = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key", "@authenticated", "@policy"])
type Query { me: User  user(id: ID!): User  users: [User!]! }
type User @key(fields: "id") {
  id: ID!
  name: String!
  email: String @authenticated @policy(policies: [["self_or_admin"]])
}`;

const SHOP = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
type Query { products: [Product!]! }
type Mutation { restock(productId: ID!): Boolean! @authenticated @requiresScopes(scopes: [["inventory:write"]]) }
type Product @key(fields: "id") { id: ID!  name: String!  stock: [Stock!] }
type Stock @requiresScopes(scopes: [["inventory:read"], ["admin"]]) { warehouse: String!  quantity: Int! }
type User @key(fields: "id") {
  id: ID!
  orders: [String!] @authenticated @policy(policies: [["self_or_admin"]])
}`;

const users = [
  { id: "usr_0001", name: "Ada", email: "ada@example.com" },
  { id: "usr_0002", name: "Bo", email: "bo@example.com" },
];
const products = [
  { id: "p1", name: "Mill", stock: [{ warehouse: "AMS", quantity: 3 }] },
  { id: "p2", name: "Kettle", stock: [{ warehouse: "NYC", quantity: 0 }] },
];

const received: Record<"people" | "shop", string[]> = { people: [], shop: [] };
const servers: ApolloServer[] = [];
const gateways: ApolloServer<RouterContext>[] = [];

async function subgraph(name: "people" | "shop", sdl: string, resolvers: object): Promise<string> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as never }]),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      { requestDidStart: async ({ request }) => void received[name].push(request.query ?? "") },
    ],
  });
  servers.push(server);
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return url;
}

let supergraph: string;
const logger = createLogger("test", "silent");

async function router(options: { reject?: boolean; supergraphSdl?: string | SupergraphSdlHook; registry?: Registry } = {}) {
  const stage = createAuthorizationHooks({ config: { reject: options.reject ?? false, policies: {} }, logger, registry: options.registry });
  const server = new ApolloServer<RouterContext>({
    gateway: new ApolloGateway({ supergraphSdl: options.supergraphSdl ?? stage.supergraph!(supergraph), logger }),
    plugins: stage.operation!,
    logger,
  });
  await server.start();
  gateways.push(server);
  return { server, stage };
}

function run(server: ApolloServer<RouterContext>, query: string, caller: Caller | null, variables?: Record<string, unknown>) {
  const contextValue: RouterContext = {
    requestId: "test",
    caller,
    tokenClaims: null,
    clientHeaders: {},
    clientIp: "127.0.0.1",
    responseHeaders: new Map(),
  };
  return server.executeOperation({ query, variables }, { contextValue }).then((response) => {
    if (response.body.kind !== "single") throw new Error("expected a single result");
    return { status: response.http.status ?? 200, ...response.body.singleResult };
  });
}

const sentSince = (name: "people" | "shop", from: number) => received[name].slice(from).join("\n");

beforeAll(async () => {
  const peopleUrl = await subgraph("people", PEOPLE, {
    Query: { me: () => users[0], user: (_: unknown, { id }: { id: string }) => users.find((u) => u.id === id), users: () => users },
    User: { __resolveReference: (ref: { id: string }) => users.find((u) => u.id === ref.id) },
  });
  const shopUrl = await subgraph("shop", SHOP, {
    Query: { products: () => products },
    Mutation: { restock: () => true },
    User: { orders: (user: { id: string }) => [`order-of-${user.id}`] },
  });
  const composed = composeSubgraphs([
    { name: "people", url: peopleUrl, sdl: PEOPLE },
    { name: "shop", url: shopUrl, sdl: SHOP },
  ]);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  supergraph = composed.supergraphSdl;
});

afterAll(async () => {
  for (const server of [...gateways, ...servers]) await server.stop();
});

describe("authorization with @apollo/gateway", () => {
  it("stock @apollo/gateway refuses the supergraph's SECURITY links; the router's adapted supergraph loads", async () => {
    const raw = new ApolloGateway({ supergraphSdl: supergraph, logger });
    await expect(raw.load()).rejects.toThrow(/authenticated\/v0\.1 is for: SECURITY but is unsupported/);
    const { server } = await router();
    expect((await run(server, `{ users { name } }`, null)).data).toEqual({ users: [{ name: "Ada" }, { name: "Bo" }] });
  });

  it("answers the rest of the query and nulls what the caller may not see, without asking any subgraph for it", async () => {
    const { server } = await router();
    const query = `{ users { name email } }`;
    const before = received.people.length;
    const anonymous = await run(server, query, null);
    expect(anonymous.data).toEqual({
      users: [
        { name: "Ada", email: null },
        { name: "Bo", email: null },
      ],
    });
    expect(anonymous.errors).toEqual([
      { message: "Sign in to read User.email.", path: ["users", 0, "email"], extensions: { code: "UNAUTHENTICATED" } },
      { message: "Sign in to read User.email.", path: ["users", 1, "email"], extensions: { code: "UNAUTHENTICATED" } },
    ]);
    expect(sentSince("people", before)).not.toMatch(/email/);

    // Same text, other caller: its own plan, not the anonymous one from the plan cache (and back).
    expect((await run(server, query, admin())).data).toEqual({
      users: [
        { name: "Ada", email: "ada@example.com" },
        { name: "Bo", email: "bo@example.com" },
      ],
    });
    expect((await run(server, query, customer("usr_0001"))).errors!.map((e) => e.extensions!.code)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    expect((await run(server, query, null)).data).toEqual(anonymous.data);
    expect((await run(server, `{ me { name email } }`, customer("usr_0001"))).data).toEqual({
      me: { name: "Ada", email: "ada@example.com" },
    });
  });

  it("skips a subgraph entirely when every field asked of it is denied", async () => {
    const { server } = await router();
    const before = received.shop.length;
    const result = await run(server, `{ user(id: "usr_0002") { name orders } }`, customer("usr_0001"));
    expect(result.data).toEqual({ user: { name: "Bo", orders: null } });
    expect(result.errors).toMatchObject([{ path: ["user", "orders"], extensions: { code: "FORBIDDEN" } }]);
    expect(received.shop.length).toBe(before);
    expect((await run(server, `query ($id: ID!) { user(id: $id) { orders } }`, customer("usr_0002"), { id: "usr_0002" })).data).toEqual({
      user: { orders: ["order-of-usr_0002"] },
    });
  });

  it("nulls a type-level protected field in each entity of a list, and lets staff see it", async () => {
    const { server } = await router();
    const query = `query Stock { products { name stock { warehouse quantity } } }`;
    const asCustomer = await run(server, query, customer());
    expect(asCustomer.data).toEqual({
      products: [
        { name: "Mill", stock: null },
        { name: "Kettle", stock: null },
      ],
    });
    expect(asCustomer.errors!.map((e) => e.path)).toEqual([
      ["products", 0, "stock"],
      ["products", 1, "stock"],
    ]);
    expect((await run(server, query, admin())).data).toEqual({ products: products.map(({ name, stock }) => ({ name, stock })) });
  });

  it("answers a mutation the caller may not run without running it", async () => {
    const { server } = await router();
    const before = received.shop.length;
    const result = await run(server, `mutation { restock(productId: "p1") }`, customer());
    expect(result).toMatchObject({
      data: null,
      errors: [{ message: "Not allowed to run Mutation.restock.", path: ["restock"], extensions: { code: "FORBIDDEN" } }],
    });
    // A mutation is run, not read: the anonymous caller is told to sign in to run it.
    expect((await run(server, `mutation { restock(productId: "p1") }`, null)).errors).toEqual([
      { message: "Sign in to run Mutation.restock.", path: ["restock"], extensions: { code: "UNAUTHENTICATED" } },
    ]);
    expect(received.shop.length).toBe(before);
  });

  it("counts denied fields by code and mode", async () => {
    const registry = new Registry();
    const { server } = await router({ registry });
    await run(server, `{ users { email } }`, null);
    await run(server, `{ products { stock { quantity } } }`, customer());
    const text = await registry.metrics();
    expect(text).toContain('authorization_denied_fields_total{code="UNAUTHENTICATED",mode="filter"} 1');
    expect(text).toContain('authorization_denied_fields_total{code="FORBIDDEN",mode="filter"} 1');
  });

  it("reject mode refuses the whole operation with 401/403 and runs nothing", async () => {
    const { server } = await router({ reject: true });
    const before = received.people.length + received.shop.length;
    const anonymous = await run(server, `{ users { name email } }`, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.data).toBeUndefined();
    expect(anonymous.errors).toMatchObject([
      {
        extensions: { code: "UNAUTHENTICATED", fields: [{ coordinate: "User.email", path: ["users", "email"], code: "UNAUTHENTICATED" }] },
      },
    ]);
    const forbidden = await run(server, `{ products { stock { quantity } } }`, customer());
    expect(forbidden.status).toBe(403);
    expect(forbidden.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    expect(received.people.length + received.shop.length).toBe(before);
    expect((await run(server, `{ users { name email } }`, admin())).status).toBe(200);
  });

  it("follows a supergraph swap: the new directives apply from the next request", async () => {
    let update: ((sdl: string) => void) | undefined;
    const stage = createAuthorizationHooks({ config: { reject: false, policies: {} }, logger });
    const hook: SupergraphSdlHook = async (options) => {
      update = options.update;
      return { supergraphSdl: stage.supergraph!(supergraph) };
    };
    const server = new ApolloServer<RouterContext>({
      gateway: new ApolloGateway({ supergraphSdl: hook, logger }),
      plugins: stage.operation!,
      logger,
    });
    await server.start();
    gateways.push(server);
    expect((await run(server, `{ users { name } }`, null)).errors).toBeUndefined();
    // The next version protects User.name too.
    update!(stage.supergraph!(supergraph.replace(/(\n\s+name: String!)( @join__field\(graph: PEOPLE\))/, "$1$2 @authenticated")));
    expect((await run(server, `{ users { name } }`, null)).errors!.map((e) => e.extensions!.code)).toEqual(["UNAUTHENTICATED"]);
  });
});
