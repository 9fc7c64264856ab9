import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { failureResponse } from "../../src/features/failure-response/failure-response.ts";
import { SubgraphFailure } from "../../src/subgraph-call/failure.ts";
import { sendSubgraphRequest, type SubgraphAttempt } from "../../src/subgraph-call/send.ts";

/** A fetcher answering with a fixed status, content type and body, as a misbehaving subgraph would. */
const answering = (status: number, body: string, contentType = "application/json"): SubgraphAttempt["fetcher"] =>
  (async () => new Response(body, { status, headers: { "content-type": contentType } })) as never;

const call = (fetcher: SubgraphAttempt["fetcher"], variables: Record<string, unknown> = {}): Promise<unknown> =>
  sendSubgraphRequest({
    subgraph: "reviews",
    url: "http://127.0.0.1:1/graphql",
    fetcher,
    request: { query: "{ review(id: 1) { id } }", variables },
    headers: {},
    signal: new AbortController().signal,
  });

async function failureOf(promise: Promise<unknown>): Promise<SubgraphFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SubgraphFailure);
  return error as SubgraphFailure;
}

describe("one subgraph request", () => {
  it("returns a GraphQL response as it is", async () => {
    await expect(call(answering(200, '{"data":{"review":null}}'))).resolves.toEqual({ data: { review: null } });
  });

  it("passes a 4xx with GraphQL errors through (the subgraph rejected the operation)", async () => {
    const body = { errors: [{ message: "Cannot query field", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] };
    await expect(call(answering(400, JSON.stringify(body)))).resolves.toEqual(body);
  });

  it("calls an HTML 502 page a transient outage, without echoing the page", async () => {
    const failure = await failureOf(call(answering(502, "<html><body>Bad gateway</body></html>", "text/html")));
    expect(failure).toMatchObject({ kind: "http-status", transient: true, code: "SERVICE_UNAVAILABLE" });
    expect(failure.message).toBe("The reviews subgraph is unavailable: it answered HTTP 502.");
  });

  it("calls a 500 an outage that is not worth retrying", async () => {
    expect(await failureOf(call(answering(500, "{}")))).toMatchObject({ kind: "http-status", transient: false });
  });

  it.each([
    ["a body that is not JSON", 200, "<html>oops</html>"],
    ["JSON without data or errors", 200, '{"result":42}'],
    ["a JSON array", 200, "[1,2]"],
    ["errors that are not a list", 200, '{"errors":"boom"}'],
    ["a 404 page", 404, "Not Found"],
    ["a 400 without GraphQL errors", 400, '{"data":null}'],
  ])("calls %s an invalid response", async (_what, status, body) => {
    const failure = await failureOf(call(answering(status, body)));
    expect(failure).toMatchObject({ kind: "invalid-response", code: "SUBGRAPH_INVALID_RESPONSE", transient: false });
    expect(failure.message).toMatch(/^The reviews subgraph sent an invalid response: /);
  });

  it("checks that an entity fetch answers one entity per representation", async () => {
    const representations = [
      { __typename: "Product", id: "1" },
      { __typename: "Product", id: "2" },
    ];
    const failure = await failureOf(call(answering(200, '{"data":{"_entities":[{}]}}'), { representations }));
    expect(failure.detail).toBe("expected 2 entities in _entities");
  });

  it("calls a refused connection transient and unreachable", async () => {
    const refused = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    }) as never;
    expect(await failureOf(call(refused))).toMatchObject({
      kind: "unreachable",
      transient: true,
      detail: "it could not be reached (ECONNREFUSED)",
    });
  });

  it("calls an aborted fetch a timeout", async () => {
    const timedOut = (async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    }) as never;
    expect(await failureOf(call(timedOut))).toMatchObject({ kind: "timeout", code: "SERVICE_UNAVAILABLE" });
  });
});

describe("failure response", () => {
  const failure = new SubgraphFailure("reviews", "unreachable", "it could not be reached", true);

  it("puts one error per entity at the entity's subgraph path, so the gateway can place it", () => {
    const response = failureResponse(failure, { request: { variables: { representations: [{}, {}] } } } as never);
    expect(response).toEqual({
      data: null,
      errors: [0, 1].map((i) => ({
        message: "The reviews subgraph is unavailable: it could not be reached.",
        path: ["_entities", i],
        extensions: { code: "SERVICE_UNAVAILABLE", serviceName: "reviews", reason: "unreachable" },
      })),
    });
  });

  it("finds the root fields in the operation text when the plan keeps no document", () => {
    const response = failureResponse(failure, { request: { query: "mutation M { addReview(input: {}) { id } }" } } as never);
    expect(response.errors?.map((e) => e.path)).toEqual([["addReview"]]);
  });

  it("puts one error per root field of a root fetch, aliases included", () => {
    const document = parse("query { first: review(id: 1) { id } review(id: 2) { id } }");
    const response = failureResponse(failure, { request: {}, document } as never);
    expect(response.errors?.map((e) => e.path)).toEqual([["first"], ["review"]]);
  });
});
