import { HeaderMap } from "@apollo/server";
import { describe, expect, it } from "vitest";
import { answersInPlainJson } from "../../../src/features/graphql-over-http/status.ts";

/** Which Accept headers Apollo Server answers in plain application/json, where request errors get 200. */
describe("answersInPlainJson", () => {
  const accepting = (accept?: string) => answersInPlainJson(new HeaderMap(accept === undefined ? [] : [["accept", accept]]));

  it.each([
    [undefined, true],
    ["application/json", true],
    ["*/*", true],
    ["application/json, application/graphql-response+json;q=0.5", true],
    ["application/graphql-response+json", false],
    ["application/graphql-response+json, application/json;q=0.9", false],
    ["text/html", false],
  ])("Accept %s: %s", (accept, plain) => {
    expect(accepting(accept)).toBe(plain);
  });
});
