/**
 * Least privilege between services, tried as a compromised subgraph would, against the running
 * stack: it holds only its own credentials (what the stack hands it), cannot call a subgraph off its
 * declared call paths, cannot select other root fields on the paths it has, and cannot make up a
 * user, since only the router can sign a user's claims.
 */
import { describe, expect, inject, it } from "vitest";
import { generateStore } from "@store/seed-data";
import {
  REFUSED_MESSAGE,
  SERVICE_CALLS,
  callerSecretVariable,
  createRequestSigner,
  encodeClaimsHeader,
  routerSecretVariable,
} from "@store/wire";
import { tokenHeader } from "../support/auth.ts";
import { graphql } from "../support/graphql.ts";

const subgraphUrls = inject("subgraphUrls");
const signingEnv = inject("signingEnv");
const routerUrl = inject("routerUrl");
const store = generateStore();
const names = Object.keys(subgraphUrls);
const admin = store.users.find((user) => user.roles.includes("admin"))!;
const victim = store.orders[0]!;

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return {
    status: response.status,
    body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> },
  };
}

/** Every secret a subgraph is given: its router secret and the service-call secrets it takes or makes. */
const secretsHeldBy = (name: string) =>
  Object.entries(signingEnv)
    .filter(
      ([variable]) =>
        variable === routerSecretVariable(name) ||
        variable.endsWith(`_FROM_${name.toUpperCase()}`) ||
        variable.startsWith(`${routerSecretVariable(name)}_FROM_`),
    )
    .map(([, secret]) => secret);

const forgedAdmin = encodeClaimsHeader({ id: admin.id, scopes: ["admin", "orders:read"], roles: ["admin"] });
const ORDER = JSON.stringify({ query: `{ order(id: "${victim.id}") { id total { cents } } }` });

describe("service-to-service calls off the declared paths", () => {
  it("the stack hands out credentials for the declared calls only", () => {
    for (const caller of names) {
      for (const callee of names) {
        if (caller === callee) continue;
        const declared = Boolean(SERVICE_CALLS[caller]?.[callee]);
        expect(callerSecretVariable(callee, caller) in signingEnv, `${caller} -> ${callee}`).toBe(declared);
      }
    }
  });

  it("a subgraph signing with any secret it holds is refused by every subgraph it may not call", async () => {
    for (const caller of names) {
      for (const callee of names.filter((name) => name !== caller && !SERVICE_CALLS[caller]?.[name])) {
        for (const secret of secretsHeldBy(caller)) {
          for (const as of [caller, "router"]) {
            const headers = { "x-supergraph-claims": forgedAdmin, ...createRequestSigner(as, secret)(ORDER, forgedAdmin) };
            const { status, body } = await post(subgraphUrls[callee]!, ORDER, headers);
            expect(status, `${caller} as ${as} -> ${callee}`).toBe(401);
            expect(body.errors, `${caller} as ${as} -> ${callee}`).toEqual([
              { message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } },
            ]);
          }
        }
      }
    }
  });

  it("products signing with its own secret and forged admin claims reads no order", async () => {
    const headers = {
      "x-supergraph-claims": forgedAdmin,
      ...createRequestSigner("products", signingEnv[routerSecretVariable("products")]!)(ORDER, forgedAdmin),
    };
    const { status, body } = await post(subgraphUrls.orders!, ORDER, headers);
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
  });
});

describe("on a declared path", () => {
  const reviewsToAccounts = () => createRequestSigner("reviews", signingEnv[callerSecretVariable("accounts", "reviews")]!);

  it("reviews cannot make up a user for accounts: claims the router did not sign are refused", async () => {
    const body = JSON.stringify({
      query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }`,
      variables: { r: [{ __typename: "User", id: admin.id }] },
    });
    const { status, body: answer } = await post(subgraphUrls.accounts!, body, {
      "x-supergraph-claims": forgedAdmin,
      ...reviewsToAccounts()(body, forgedAdmin),
    });
    expect(status).toBe(401);
    expect(answer.data).toBeUndefined();
  });

  it("reviews may resolve users for accounts, but not list them", async () => {
    const body = JSON.stringify({ query: "{ users(first: 50) { edges { node { id email } } } }" });
    const { status, body: answer } = await post(subgraphUrls.accounts!, body, reviewsToAccounts()(body));
    expect(status).toBe(403);
    expect(answer.errors?.[0]?.extensions?.code).toBe("SERVICE_CALL_NOT_ALLOWED");
    expect(answer.data?.users).toBeFalsy();
  });

  it("orders may not reserve stock for free: it can call inventory for reservations only, and places orders through the router as before", async () => {
    const body = JSON.stringify({ query: "{ warehouses { id } }" });
    const { status } = await post(
      subgraphUrls.inventory!,
      body,
      createRequestSigner("orders", signingEnv[callerSecretVariable("inventory", "orders")]!)(body),
    );
    expect(status).toBe(403);
    const buyer = store.users.find((user) => !user.roles.includes("admin"))!;
    const placed = await graphql(
      routerUrl,
      `
        mutation ($input: PlaceOrderInput!, $key: String!) {
          placeOrder(input: $input, idempotencyKey: $key) {
            status
            total {
              cents
            }
          }
        }
      `,
      { input: { lines: [{ productId: store.products[17]!.id, quantity: 1 }] }, key: `trust-${Date.now()}` },
      await tokenHeader(buyer),
    );
    expect(placed.errors).toBeUndefined();
    expect(placed.data.placeOrder.status).toBe("CONFIRMED");
  });
});
