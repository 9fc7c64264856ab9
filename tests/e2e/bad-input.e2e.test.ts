import { describe, expect, inject, it } from "vitest";
import { graphql } from "../support/graphql.ts";

const routerUrl = inject("routerUrl");

async function post(body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  const response = await fetch(routerUrl, { method: "POST", headers, body });
  return {
    status: response.status,
    body: (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> },
  };
}

describe("bad requests get a clear error with a stable code", () => {
  it("malformed JSON body: 400 BAD_REQUEST", async () => {
    const { status, body } = await post(`{"query": "{ categories { name } }"`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });

  it("a body without a query: 400 BAD_REQUEST", async () => {
    const { status, body } = await post(`{"variables": {}}`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });

  it("GraphQL syntax error: GRAPHQL_PARSE_FAILED (200 under application/json, as the GraphQL over HTTP spec recommends)", async () => {
    const result = await graphql(routerUrl, `{ products(first: 2 { edges }`);
    expect(result.status).toBe(200);
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("unknown field: GRAPHQL_VALIDATION_FAILED naming the field (200 under application/json)", async () => {
    const result = await graphql(
      routerUrl,
      `
        {
          categories {
            name
            secretMargin
          }
        }
      `,
    );
    expect(result.status).toBe(200);
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(result.errors?.[0]?.message).toMatch(/secretMargin/);
  });

  it("wrong variable type: BAD_USER_INPUT", async () => {
    const result = await graphql(
      routerUrl,
      `
        query ($first: Int) {
          products(first: $first) {
            totalCount
          }
        }
      `,
      { first: "ten" },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("an out-of-range page size: BAD_USER_INPUT from the subgraph, passed through", async () => {
    const result = await graphql(
      routerUrl,
      `
        {
          products(first: 5000) {
            totalCount
          }
        }
      `,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("an oversized body: 413 PAYLOAD_TOO_LARGE", async () => {
    const { status, body } = await post(JSON.stringify({ query: `{ categories { name } }`, variables: { pad: "x".repeat(1_100_000) } }));
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("the internal stock reservation is not part of the public graph", async () => {
    const result = await graphql(
      routerUrl,
      `
        mutation {
          reserveStock(reservationKey: "x", items: [{ productId: "prd_0001", quantity: 1 }]) {
            status
          }
        }
      `,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("the router stays up and keeps answering after all of the above", async () => {
    const result = await graphql(
      routerUrl,
      `
        {
          categories {
            slug
          }
        }
      `,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.categories).toHaveLength(20);
  });
});
