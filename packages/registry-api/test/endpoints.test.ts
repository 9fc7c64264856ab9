import { describe, expect, it } from "vitest";
import { endpoints, matchEndpoint, methodsFor } from "../src/endpoints.ts";
import { RegistryDomainErrorCode, isRegistryErrorCode, registryErrorStatus } from "../src/errors.ts";

describe("the registry's endpoint table", () => {
  it("matches a method and path to its endpoint with the path parameters", () => {
    expect(matchEndpoint("GET", "/v1/subgraphs")).toEqual({ name: "subgraphs", params: {} });
    expect(matchEndpoint("GET", "/v1/subgraphs/accounts/versions/3")).toEqual({
      name: "subgraphVersion",
      params: { name: "accounts", version: "3" },
    });
    expect(matchEndpoint("POST", "/v1/subgraphs/accounts/publish")).toEqual({ name: "publish", params: { name: "accounts" } });
    expect(matchEndpoint("GET", "/v1/supergraph/versions/2")).toEqual({ name: "supergraphVersion", params: { version: "2" } });
  });

  it("names the methods a path has when the request's method is not one of them", () => {
    expect(matchEndpoint("DELETE", "/v1/subgraphs/accounts")).toBeUndefined();
    expect(methodsFor("/v1/subgraphs/accounts")).toEqual(["GET"]);
    expect(methodsFor("/v1/usage")).toEqual(["POST"]);
    expect(methodsFor("/v1/nothing")).toEqual([]);
  });

  it("gives every error code an endpoint declares a status, and every domain code one", () => {
    for (const endpoint of Object.values(endpoints)) for (const code of endpoint.errors) expect(isRegistryErrorCode(code)).toBe(true);
    for (const code of Object.values(RegistryDomainErrorCode)) expect(registryErrorStatus[code]).toBeGreaterThanOrEqual(400);
    expect(registryErrorStatus.OWNERSHIP_TRANSFER_NOT_APPROVED).toBe(403);
    expect(registryErrorStatus.BREAKING_CHANGE).toBe(422);
  });

  it("validates request bodies as the registry does", () => {
    expect(endpoints.publish.body.safeParse({ sdl: "type Query { a: Int }", force: true }).success).toBe(false);
    expect(
      endpoints.publish.body.safeParse({ sdl: "type Query { a: Int }", force: true, reason: "the field was never used" }).success,
    ).toBe(true);
    expect(endpoints.usage.body.safeParse({ reports: [{ coordinates: ["not a coordinate!"], count: 1 }] }).success).toBe(false);
    expect(endpoints.check.body.safeParse({ sdl: "type Query { a: Int }", extra: true }).success).toBe(false);
  });
});
