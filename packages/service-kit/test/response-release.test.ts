import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpHandler, listen, type RunningServer } from "../src/http.ts";
import { createLogger } from "../src/logger.ts";
import { observationPlugin } from "../src/observation-plugin.ts";
import type { OperationResponse } from "../src/response-release.ts";

// Apollo's response objects as its plugins see them, to check what is left of them once answered.
const seen: OperationResponse[] = [];
const capture: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        seen.push(response);
      },
    };
  },
};

let running: RunningServer;

beforeAll(async () => {
  const apollo = new ApolloServer({
    typeDefs: "type Query { items(count: Int!): [Item!]! } type Item { id: ID! name: String! }",
    resolvers: {
      Query: {
        items: (_: unknown, { count }: { count: number }) =>
          Array.from({ length: count }, (_, i) => ({ id: String(i), name: `Item ${i}` })),
      },
    },
    plugins: [observationPlugin({ executeSpan: false }), capture],
    allowBatchedHttpRequests: true,
  });
  await apollo.start();
  const handler = createHttpHandler({
    apollo,
    context: async () => ({}),
    logger: createLogger("test", "silent"),
    maxBodyBytes: 1_000_000,
    readiness: async () => ({ ready: true, checks: {} }),
  });
  running = await listen(handler, 0, "127.0.0.1");
});

afterAll(async () => {
  await running?.close(0);
});

const post = async (body: unknown) => {
  const response = await fetch(`${running.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
};

describe("a GraphQL result once sent", () => {
  it("reaches the client whole, and Apollo's response object no longer holds it", async () => {
    seen.length = 0;
    const { status, json } = await post({ query: "{ items(count: 3) { id name } }" });
    expect(status).toBe(200);
    expect(json).toEqual({
      data: {
        items: [
          { id: "0", name: "Item 0" },
          { id: "1", name: "Item 1" },
          { id: "2", name: "Item 2" },
        ],
      },
    });
    expect(seen).toHaveLength(1);
    // Apollo's own closures keep this object reachable until a full collection: it must not keep the result.
    expect(seen[0]!.body).toBeUndefined();
    expect(seen[0]!.http.status).toBeUndefined();
  });

  it("is let go for every operation of a batch", async () => {
    seen.length = 0;
    const { status, json } = await post([{ query: "{ items(count: 1) { id } }" }, { query: "{ items(count: 2) { name } }" }]);
    expect(status).toBe(200);
    expect(json).toEqual([{ data: { items: [{ id: "0" }] } }, { data: { items: [{ name: "Item 0" }, { name: "Item 1" }] } }]);
    expect(seen).toHaveLength(2);
    expect(seen.map((response) => response.body)).toEqual([undefined, undefined]);
  });

  it("still carries errors to the client", async () => {
    seen.length = 0;
    const { status, json } = await post({ query: "{ items(count: 1) { missing } }" });
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(seen[0]!.body).toBeUndefined();
  });
});
