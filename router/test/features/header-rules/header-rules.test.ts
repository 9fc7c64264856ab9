import { describe, expect, it } from "vitest";
import { subgraphRequest, subgraphResponse } from "../../support/subgraph-call.ts";
import type { RouterContext } from "../../../src/context.ts";
import { createHeaderRulesHooks, headersSchema } from "../../../src/features/header-rules/header-rules.ts";

const context = (clientHeaders: RouterContext["clientHeaders"]): RouterContext => ({
  requestId: "r1",
  caller: null,
  tokenClaims: null,
  clientHeaders,
  clientIp: "127.0.0.1",
  responseHeaders: new Map(),
});
const stageFor = (input: unknown) => createHeaderRulesHooks(headersSchema.parse(input));
const forward = (input: unknown, subgraph: string, clientHeaders: RouterContext["clientHeaders"]) => {
  const call = {
    subgraph,
    context: context(clientHeaders),
    headers: { "content-type": "application/json" } as Record<string, string>,
    body: "{}",
  };
  subgraphRequest(stageFor(input), call);
  return call.headers;
};

const CLIENT = {
  authorization: "Bearer t",
  cookie: "session=1",
  "accept-language": "de",
  "x-currency": "EUR",
  "x-supergraph-claims": "forged",
};

describe("header rules", () => {
  it("forwards nothing by default, not even authorization, and costs nothing", () => {
    const stage = stageFor({});
    expect(stage.subgraphCall).toBeUndefined();
    expect(stage.operation).toBeUndefined();
  });

  it("forwards the allowlisted client headers: `all` to every subgraph, plus each subgraph's own", () => {
    const rules = { all: { request: ["Accept-Language"] }, subgraphs: { products: { request: ["x-currency", "authorization"] } } };
    expect(forward(rules, "products", CLIENT)).toEqual({
      "content-type": "application/json",
      "accept-language": "de",
      "x-currency": "EUR",
      authorization: "Bearer t",
    });
    expect(forward(rules, "reviews", CLIENT)).toEqual({ "content-type": "application/json", "accept-language": "de" });
    expect(forward(rules, "reviews", {})).toEqual({ "content-type": "application/json" });
  });

  it("refuses rules that would forward the router's own headers", () => {
    for (const name of [
      "x-supergraph-claims",
      "X-Supergraph-Signature",
      "content-length",
      "host",
      "x-request-id",
      "access-control-allow-origin",
      "bad header",
    ]) {
      expect(headersSchema.safeParse({ all: { request: [name] } }).success, name).toBe(false);
      expect(headersSchema.safeParse({ subgraphs: { accounts: { response: [name] } } }).success, name).toBe(false);
    }
    expect(headersSchema.safeParse({ all: { request: ["x-currency"], extra: [] } }).success).toBe(false);
  });

  it("passes allowlisted subgraph response headers to the client, per subgraph", async () => {
    const stage = stageFor({ all: { response: ["x-cache"] }, subgraphs: { accounts: { response: ["set-cookie"] } } });
    const ctx = context({});
    subgraphResponse(stage, {
      subgraph: "products",
      context: ctx,
      headers: new Headers({ "x-cache": "HIT", "set-cookie": "a=1", "x-internal": "secret" }),
    });
    expect([...ctx.responseHeaders]).toEqual([["x-cache", "HIT"]]);
    subgraphResponse(stage, { subgraph: "accounts", context: ctx, headers: new Headers({ "set-cookie": "session=2" }) });
    expect(Object.fromEntries(ctx.responseHeaders)).toEqual({ "x-cache": "HIT", "set-cookie": "session=2" });
    expect(stage.operation).toHaveLength(1);
  });
});
