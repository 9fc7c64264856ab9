import { auditServer } from "graphql-http";
import { describe, expect, inject, it } from "vitest";

/**
 * The router against graphql-http's audit of the GraphQL over HTTP spec: every MUST and SHOULD met
 * (stock @apollo/server misses three SHOULDs: 400 instead of 200 under application/json for parse,
 * validation and variable-coercion errors), and the status each media type gets for a request error.
 */

const routerUrl = inject("routerUrl");

async function post(accept: string, body: unknown) {
  const response = await fetch(routerUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> },
  };
}

describe("the GraphQL over HTTP spec", () => {
  it("passes graphql-http's server audit with no warning and no error", async () => {
    const results = await auditServer({ url: routerUrl });
    const failed = results.filter((result) => result.status === "warn" || result.status === "error");
    expect(failed.map((result) => `${result.status} ${result.id} ${result.name}: ${"reason" in result ? result.reason : ""}`)).toEqual([]);
    expect(results.filter((result) => result.status === "ok").length).toBeGreaterThanOrEqual(58);
  }, 60_000);

  const requestErrors: Array<[string, unknown, string]> = [
    ["a document that does not parse", { query: "{ products(first: 2 { edges }" }, "GRAPHQL_PARSE_FAILED"],
    ["a document that does not validate", { query: "{ categories { secretMargin } }" }, "GRAPHQL_VALIDATION_FAILED"],
    [
      "variables that do not coerce",
      { query: "query ($first: Int) { products(first: $first) { totalCount } }", variables: { first: "ten" } },
      "BAD_USER_INPUT",
    ],
  ];

  it.each(requestErrors)("%s: 200 under application/json, with its code", async (_, body, code) => {
    const answer = await post("application/json", body);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
  });

  it.each(requestErrors)("%s: 400 under application/graphql-response+json, with its code", async (_, body, code) => {
    const answer = await post("application/graphql-response+json, application/json;q=0.9", body);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/graphql-response\+json/);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
  });

  it("keeps the router's own refusals at 400 under application/json (an operation over the depth limit)", async () => {
    const deep = `{ review(id: "rev_00001") { ${"product { reviews(first: 1) { edges { node { ".repeat(6)} id ${"} } } } ".repeat(6)} } }`;
    const answer = await post("application/json", { query: deep });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("OPERATION_LIMIT_EXCEEDED");
  });
});
