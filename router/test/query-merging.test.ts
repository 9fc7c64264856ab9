import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { InFlightQueries, callerKey, type SharedExecution } from "../src/execution/query-merging.ts";

function deferred() {
  let resolve!: (value: SharedExecution) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<SharedExecution>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("identical queries in flight sharing one execution", () => {
  it("runs once for callers that arrive while it runs, each getting its own result object", async () => {
    const queries = new InFlightQueries();
    const pending = deferred();
    let executions = 0;
    let joined = 0;
    const execute = () => {
      executions++;
      return pending.promise;
    };
    const first = queries.run("k", execute, () => joined++);
    const second = queries.run("k", execute, () => joined++);
    const error = new GraphQLError("reviews is down");
    pending.resolve({
      result: { data: { a: 1 }, errors: [error], extensions: { cost: 3 } },
      responseHeaders: new Map([["x-cache", "miss"]]),
    });
    const [a, b] = await Promise.all([first, second]);
    expect(executions).toBe(1);
    expect(joined).toBe(1);
    expect(b.result).toEqual(a.result);
    expect(b.responseHeaders.get("x-cache")).toBe("miss");
    // Later steps append to errors and extensions per request: one caller's additions stay its own.
    expect(b.result.errors).not.toBe(a.result.errors);
    // Errors too: the formatter remembers the request per error object.
    expect(b.result.errors![0]).not.toBe(error);
    expect(b.result.errors![0]).toBeInstanceOf(GraphQLError);
    expect(b.result.errors![0]!.message).toBe("reviews is down");
    expect(b.result.extensions).not.toBe(a.result.extensions);
    expect(queries.size).toBe(0);
  });

  it("runs again once the execution has finished, and keeps different keys apart", async () => {
    const queries = new InFlightQueries();
    let executions = 0;
    const execute = async (): Promise<SharedExecution> => ({ result: { data: { n: ++executions } }, responseHeaders: new Map() });
    const [x, y] = await Promise.all([queries.run("x", execute), queries.run("y", execute)]);
    expect([x.result.data, y.result.data]).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await queries.run("x", execute)).result.data).toEqual({ n: 3 });
  });

  it("hands a failed execution's error to every caller and forgets it", async () => {
    const queries = new InFlightQueries();
    const pending = deferred();
    const both = Promise.allSettled([queries.run("k", () => pending.promise), queries.run("k", () => pending.promise)]);
    pending.reject(new Error("boom"));
    expect((await both).map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(queries.size).toBe(0);
  });

  it("tells callers apart by their claims and the headers forwarded to subgraphs, nothing else", () => {
    const headers = { "x-tenant": "a", "user-agent": "one" };
    const base = callerKey({ sub: "usr_1" }, headers, ["x-tenant"]);
    expect(callerKey({ sub: "usr_1" }, { ...headers, "user-agent": "two" }, ["x-tenant"])).toBe(base);
    expect(callerKey({ sub: "usr_2" }, headers, ["x-tenant"])).not.toBe(base);
    expect(callerKey(null, headers, ["x-tenant"])).not.toBe(base);
    expect(callerKey({ sub: "usr_1" }, { ...headers, "x-tenant": "b" }, ["x-tenant"])).not.toBe(base);
  });
});
