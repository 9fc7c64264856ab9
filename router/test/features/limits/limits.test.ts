import { ApolloServer } from "@apollo/server";
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import type { RouterContext } from "../../../src/context.ts";
import { limitsConfigSchema } from "../../../src/features/limits/config.ts";
import { countTokens, measureOperation } from "../../../src/features/limits/measure.ts";
import { createLimitsHooks } from "../../../src/features/limits/index.ts";

function measure(query: string, operationName?: string) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  )!;
  return measureOperation(document, operation);
}

describe("measureOperation", () => {
  it("counts depth in fields; fragments and inline fragments add none", () => {
    expect(measure(`{ a }`)).toEqual({ depth: 1, aliases: 0, rootFields: 1 });
    expect(measure(`{ a { b { c } } d }`).depth).toBe(3);
    expect(measure(`{ a { ... on T { b { ...F } } } } fragment F on U { c { d } }`).depth).toBe(4);
  });

  it("counts aliases once per place a fragment is spread, and in inline fragments", () => {
    const query = `
      { one: a { ...Two } b { ...Two } ... on Query { three: c } }
      fragment Two on T { x: f y: f }`;
    // one, three, and x + y in each of the two spreads.
    expect(measure(query).aliases).toBe(2 + 2 * 2);
  });

  it("counts root fields through fragments, inline fragments and aliases", () => {
    const query = `query Q { a b: a ...Roots ... on Query { d } } fragment Roots on Query { e f }`;
    expect(measure(query).rootFields).toBe(5);
  });

  it("measures the named operation of a document with several", () => {
    const query = `query Small { a } query Deep { a { b { c } } }`;
    expect(measure(query, "Small").depth).toBe(1);
    expect(measure(query, "Deep").depth).toBe(3);
  });

  it("does not blow up on a fragment spread many times or on chains that double at each step", () => {
    // F0 has 2 aliases; each Fi spreads F(i-1) under two fields: 2 * 2^40 aliases once expanded.
    const chain = Array.from({ length: 40 }, (_, i) => `fragment F${i + 1} on T { l: n { ...F${i} } r: n { ...F${i} } }`).join("\n");
    const query = `{ t { ...F40 } } fragment F0 on T { x: a y: a }\n${chain}`;
    const started = performance.now();
    const shape = measure(query);
    expect(performance.now() - started).toBeLessThan(50);
    expect(shape.depth).toBe(2 + 40);
    expect(shape.aliases).toBeGreaterThan(2 ** 40);

    const wide = `{ t { ${"...F ".repeat(5000)} } } fragment F on T { a: x { y } }`;
    expect(measure(wide).aliases).toBe(5000);
  });

  it("survives a fragment cycle (validation rejects it later) and unknown fragments", () => {
    expect(measure(`{ a { ...A } } fragment A on T { b { ...B } } fragment B on T { c { ...A } }`).depth).toBe(3);
    expect(measure(`{ a { ...Missing } }`)).toEqual({ depth: 1, aliases: 0, rootFields: 1 });
  });
});

describe("countTokens", () => {
  it("counts as graphql-js's parser does for maxTokens, comments excluded", () => {
    const query = `# a comment\nquery Q($id: ID!) { product(id: $id) { name price { cents } } } # another`;
    const tokens = countTokens(query);
    expect(() => parse(query, { maxLexicalTokens: tokens })).not.toThrow();
    expect(() => parse(query, { maxLexicalTokens: tokens - 1 })).toThrow(/Document contains more/);
    // query Q ( $ id : ID ! ) { product ( id : $ id ) { name price { cents } } }
    expect(tokens).toBe(25);
  });
});

describe("limits stage on Apollo Server", () => {
  const typeDefs = `type Query { node(id: ID): Node, version: String } type Node { id: ID, child: Node }`;
  const resolvers = { Query: { node: () => ({ id: "1" }), version: () => "1" }, Node: { child: () => ({ id: "2" }) } };
  async function serverWith(overrides: Record<string, unknown>) {
    const stage = createLimitsHooks({ config: limitsConfigSchema.parse(overrides) })!;
    const server = new ApolloServer<RouterContext>({ typeDefs, resolvers, plugins: stage.operation!, parseOptions: stage.parseOptions! });
    await server.start();
    return server;
  }
  async function run(server: ApolloServer<RouterContext>, query: string) {
    const response = await server.executeOperation({ query }, { contextValue: {} as RouterContext });
    const result = response.body.kind === "single" ? response.body.singleResult : undefined;
    return { status: response.http.status, errors: result?.errors, data: result?.data };
  }

  it("rejects each limit with a 400, its name, the figure and the maximum", async () => {
    const server = await serverWith({ maxDepth: 3, maxAliases: 2, maxRootFields: 3, maxTokens: 60, maxDocumentBytes: 400 });
    const cases: Array<[string, string, number, number]> = [
      [`{ node { child { child { id } } } }`, "depth", 4, 3],
      [`{ a: version b: version c: version }`, "aliases", 3, 2],
      [`{ version node { id } v: version ...R } fragment R on Query { version }`, "rootFields", 4, 3],
      [`{ node(id: "1") { ${"id ".repeat(60)} } }`, "tokens", 70, 60],
      [`{ version ${" ".repeat(400)} }`, "documentBytes", 412, 400],
    ];
    for (const [query, limit, actual, maximum] of cases) {
      const { status, errors, data } = await run(server, query);
      expect(status).toBe(400);
      expect(data).toBeUndefined();
      expect(errors).toHaveLength(1);
      expect(errors![0]!.extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", limit, actual, maximum });
    }
    await server.stop();
  });

  it("reports an oversized document as too big even when it does not parse", async () => {
    const server = await serverWith({ maxDocumentBytes: 100 });
    const { status, errors } = await run(server, `{ version ${"(".repeat(200)}`);
    expect(status).toBe(400);
    expect(errors![0]!.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "documentBytes" });
    await server.stop();
  });

  it("leaves other errors alone and answers operations within the limits, again and again", async () => {
    const server = await serverWith({ maxDepth: 3 });
    expect((await run(server, `{ version(`)).errors![0]!.extensions!.code).toBe("GRAPHQL_PARSE_FAILED");
    expect((await run(server, `{ nope }`)).errors![0]!.extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    for (let i = 0; i < 2; i++) {
      const ok = await run(server, `{ node { child { id } } }`);
      expect(ok.errors).toBeUndefined();
      expect(ok.data).toEqual({ node: { child: { id: "2" } } });
      // The cached verdict of a rejected document holds too.
      expect((await run(server, `{ node { child { child { id } } } }`)).status).toBe(400);
    }
    await server.stop();
  });

  it("is no stage at all when disabled", () => {
    expect(createLimitsHooks({ config: limitsConfigSchema.parse({ enabled: false }) })).toBeUndefined();
  });
});
