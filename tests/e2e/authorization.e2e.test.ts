import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateStore } from "@store/seed-data";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { graphql } from "../support/graphql.ts";
import { TEST_JWT_SECRET } from "../support/test-stack.ts";
import { loginAs, tokenHeader as bearer } from "../support/auth.ts";

/**
 * Authorization from the schema (@authenticated, @requiresScopes, @policy) through real HTTP:
 * tokens are minted here with the stack's HS256 secret and verified by the router.
 */
const routerUrl = inject("routerUrl");
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");
const store = generateStore();
const adminUser = store.users.find((u) => u.roles.includes("admin"))!;
const customer = store.users[20]!;
const otherCustomer = store.users[21]!;
const stockLevelsOf = (productId: string) => store.stockLevels.filter((s) => s.productId === productId);

const codes = (errors: { extensions?: Record<string, any> }[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);

describe("fields the caller may not see come back as null with an error; the rest is answered", () => {
  it("an anonymous caller asking for a user's email gets null, UNAUTHENTICATED at its path, and all other data", async () => {
    const result = await graphql(
      routerUrl,
      `
        query ($id: ID!) {
          user(id: $id) {
            username
            email
          }
          product(id: "prd_0001") {
            name
          }
        }
      `,
      { id: customer.id },
    );
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ user: { username: customer.username, email: null }, product: { name: store.products[0]!.name } });
    expect(result.errors).toMatchObject([{ path: ["user", "email"], extensions: { code: "UNAUTHENTICATED" } }]);
  });

  it("a customer reads their own email and orders, not another customer's", async () => {
    const query = `query ($id: ID!) { user(id: $id) { email orders(first: 1) { totalCount } } }`;
    const own = await graphql(routerUrl, query, { id: customer.id }, await bearer(customer));
    expect(own.errors).toBeUndefined();
    expect(own.data.user.email).toBe(customer.email);
    // At least the seeded ones: other end-to-end files may place orders for the same user on the shared stack.
    expect(own.data.user.orders.totalCount).toBeGreaterThanOrEqual(store.orders.filter((o) => o.userId === customer.id).length);

    const other = await graphql(routerUrl, query, { id: otherCustomer.id }, await bearer(customer));
    expect(other.data).toEqual({ user: { email: null, orders: null } });
    expect(other.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [["user", "email"], "FORBIDDEN"],
      [["user", "orders"], "FORBIDDEN"],
    ]);

    const asAdmin = await graphql(routerUrl, query, { id: otherCustomer.id }, await bearer(adminUser));
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data.user.email).toBe(otherCustomer.email);
  });

  it("stock levels per warehouse are for staff: a customer gets null, an admin the numbers", async () => {
    const product = store.products[4]!;
    const query = `query ($id: ID!) { product(id: $id) { name totalStock stock { quantity warehouse { code } } } }`;
    const asCustomer = await graphql(routerUrl, query, { id: product.id }, await bearer(customer));
    expect(asCustomer.data.product).toMatchObject({ name: product.name, stock: null });
    expect(asCustomer.data.product.totalStock).toBe(stockLevelsOf(product.id).reduce((n, s) => n + s.quantity, 0));
    expect(asCustomer.errors).toMatchObject([{ path: ["product", "stock"], extensions: { code: "FORBIDDEN" } }]);

    const asAdmin = await graphql(routerUrl, query, { id: product.id }, await bearer(adminUser));
    expect(asAdmin.errors).toBeUndefined();
    const quantities = asAdmin.data.product.stock.map((s: { quantity: number }) => s.quantity).sort((a: number, b: number) => a - b);
    expect(quantities).toEqual(
      stockLevelsOf(product.id)
        .map((s) => s.quantity)
        .sort((a, b) => a - b),
    );
  });

  it("a staff member, signed in through the router, reads stock and another user's orders, but not their email", async () => {
    const staffUser = store.users.find((u) => u.roles.includes("staff") && !u.roles.includes("admin"))!;
    const asStaff = await loginAs(routerUrl, staffUser.username);
    const product = store.products[4]!;
    const result = await graphql(
      routerUrl,
      `
        query ($id: ID!, $user: ID!) {
          product(id: $id) {
            stock {
              quantity
            }
          }
          user(id: $user) {
            email
            orders(first: 1) {
              totalCount
            }
          }
        }
      `,
      { id: product.id, user: otherCustomer.id },
      asStaff,
    );
    expect(result.data.product.stock).toHaveLength(stockLevelsOf(product.id).length);
    expect(result.data.user.orders.totalCount).toBeGreaterThanOrEqual(store.orders.filter((o) => o.userId === otherCustomer.id).length);
    expect(result.data.user.email).toBeNull();
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["user", "email"], "FORBIDDEN"]]);
  });

  it("fragments and aliases cannot smuggle a protected field", async () => {
    const result = await graphql(
      routerUrl,
      `
        query ($other: ID!) {
          victim: user(id: $other) {
            username
            ...Contact
            ... on User {
              backup: email
            }
          }
          me {
            ...Contact
          }
        }
        fragment Contact on User {
          contact: email
          roles
        }
      `,
      { other: otherCustomer.id },
      await bearer(customer),
    );
    expect(result.data.victim).toEqual({ username: otherCustomer.username, contact: null, roles: null, backup: null });
    expect(result.errors?.map((e) => e.path)).toEqual([
      ["victim", "contact"],
      ["victim", "roles"],
      ["victim", "backup"],
    ]);
    expect(codes(result.errors)).toEqual(["FORBIDDEN", "FORBIDDEN", "FORBIDDEN"]);
    // The same fragment under `me` is the caller's own data... once the accounts subgraph knows the
    // caller (claims header): until then `me` is null and nothing is withheld by the router.
    expect(JSON.stringify(result.data.me ?? {})).not.toContain(otherCustomer.email);
  });

  it("a protected field inside a list of entities is nulled in each entity, each with its own error", async () => {
    const result = await graphql(
      routerUrl,
      `
        {
          products(first: 3) {
            edges {
              node {
                name
                stock {
                  quantity
                }
              }
            }
          }
        }
      `,
      undefined,
      await bearer(customer),
    );
    expect(result.data.products.edges.map((e: any) => e.node)).toEqual(
      store.products.slice(0, 3).map((p) => ({ name: p.name, stock: null })),
    );
    expect(result.errors?.map((e) => e.path)).toEqual([0, 1, 2].map((i) => ["products", "edges", i, "node", "stock"]));
  });

  it("placing an order needs a signed-in buyer with orders:write; neither reaches the orders subgraph otherwise", async () => {
    const input = { lines: [{ productId: "prd_0002", quantity: 1 }] };
    const mutation = `mutation ($input: PlaceOrderInput!, $key: String!) { placeOrder(input: $input, idempotencyKey: $key) { id } }`;
    const ordersBefore = await orderCount(routerUrl, customer.id);
    const anonymous = await graphql(routerUrl, mutation, { input, key: randomUUID() });
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors).toMatchObject([{ path: ["placeOrder"], extensions: { code: "UNAUTHENTICATED" } }]);

    const readOnly = await graphql(routerUrl, mutation, { input, key: randomUUID() }, await bearer(customer, { scopes: ["orders:read"] }));
    expect(readOnly.data).toBeNull();
    expect(codes(readOnly.errors)).toEqual(["FORBIDDEN"]);
    expect(await orderCount(routerUrl, customer.id)).toBe(ordersBefore);
  });
});

describe("reject mode (authorization.reject: true)", () => {
  let router: Router;
  let url: string;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "router-authz-"));
    const configFile = path.join(dir, "router.yaml");
    writeFileSync(configFile, "authorization:\n  reject: true\n");
    router = createRouter(
      loadRouterConfig({
        env: { LOG_LEVEL: "silent", AUTH_JWT_SECRET: TEST_JWT_SECRET, ...signingEnv },
        flags: { config: configFile, supergraph: supergraphPath, port: "0" },
      }),
    );
    url = `${(await router.start()).url}/graphql`;
  });
  afterAll(() => router?.stop());

  it("refuses the whole operation: 401 for an anonymous caller, 403 for one without the scope, and runs nothing", async () => {
    const anonymous = await graphql(
      url,
      `
        {
          users(first: 2) {
            edges {
              node {
                username
                email
              }
            }
          }
        }
      `,
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.data).toBeUndefined();
    expect(anonymous.errors).toMatchObject([{ extensions: { code: "UNAUTHENTICATED" } }]);
    expect(anonymous.errors![0]!.message).toMatch(/User\.email/);

    const ordersBefore = await orderCount(url, customer.id);
    // A token without orders:write asking for its own email (allowed) and to place an order (not).
    const forbidden = await graphql(
      url,
      `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input, idempotencyKey: "${randomUUID()}") { id } }`,
      { input: { lines: [{ productId: "prd_0002", quantity: 1 }] } },
      await bearer(customer, { scopes: ["orders:read", "profile:read"] }),
    );
    expect(forbidden.status).toBe(403);
    expect(forbidden.data).toBeUndefined();
    expect(forbidden.errors).toMatchObject([
      { extensions: { code: "FORBIDDEN", fields: [{ coordinate: "Mutation.placeOrder", path: ["placeOrder"], code: "FORBIDDEN" }] } },
    ]);
    expect(await orderCount(url, customer.id)).toBe(ordersBefore);

    const allowed = await graphql(
      url,
      `
        {
          product(id: "prd_0001") {
            name
            stock {
              quantity
            }
          }
        }
      `,
      undefined,
      await bearer(adminUser),
    );
    expect(allowed.status).toBe(200);
    expect(allowed.errors).toBeUndefined();
  });
});

async function orderCount(url: string, userId: string): Promise<number> {
  const result = await graphql(
    url,
    `
      query ($id: ID!) {
        user(id: $id) {
          orders(first: 1) {
            totalCount
          }
        }
      }
    `,
    { id: userId },
    await bearer(adminUser),
  );
  return result.data.user.orders.totalCount;
}
