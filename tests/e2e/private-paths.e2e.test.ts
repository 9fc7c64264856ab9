/**
 * Every path from a root field to an order or to a user's private fields (email, roles, orders),
 * found by walking the composed API schema the stack serves, asked for one customer's (the
 * victim's) data through real HTTP: an anonymous caller and another customer get null or
 * FORBIDDEN/UNAUTHENTICATED, never the data, while staff asking the same get it (so each path is
 * known to reach the victim). Run against the stack's router and against a router serving the same
 * supergraph with every authorization directive removed: the subgraphs that own the data answer for
 * it themselves. A path added to the schema later is walked and tested here too; a new root field on
 * such a path fails until it has a fixture below.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD, generateStore, type SeedUser } from "@store/seed-data";
import { createRouter, loadRouterConfig, type Router } from "@store/router";
import { tokenHeader } from "../support/auth.ts";
import { graphql, type GraphQLResult } from "../support/graphql.ts";
import {
  apiSchemaOf,
  findPrivatePaths,
  operationFor,
  privateUserFields,
  valuesAtEnd,
  withoutAuthorizationDirectives,
  type NestedArguments,
  type PrivatePath,
} from "../support/private-paths.ts";
import { TEST_JWT_SECRET } from "../support/test-stack.ts";

const routerUrl = inject("routerUrl");
const supergraphPath = inject("supergraphPath");
const signingEnv = inject("signingEnv");
const store = generateStore();

const supergraphSdl = readFileSync(supergraphPath, "utf8");
const api = apiSchemaOf(supergraphSdl);
/** Private whatever the schema's directives say: removing a directive must not shrink what is tested. */
const ALWAYS_PRIVATE = ["email", "roles", "orders"];
const paths = findPrivatePaths(api, privateUserFields(supergraphSdl, ALWAYS_PRIVATE));

/**
 * Paths not run, by path or by the start of one (`A > B` covers every path beginning so), each with
 * why. Anything else needs a fixture.
 */
const NOT_RUN: Record<string, string> = {
  "Mutation.placeOrder":
    "writes an order for the caller, whom the token names: it returns the caller's own new order, never anyone else's (orders.e2e and the orders int tests cover it), and its writes would change stock and order counts other files assert on the shared stack",
  "Mutation.advanceShipment":
    "staff only, and refused by the orders service itself to anyone else, the order's owner included, before it reads the order (subgraphs/orders shipment-progress int test); run as staff it would move the victim's shipment on, a write other files on the shared stack would see",
  "Mutation.addReview > Review.author":
    "publishes a review by the caller, whom the token names: the author is the caller themself, and the write would change ratings other files assert on the shared stack",
};
const notRunBecause = (p: PrivatePath) =>
  Object.entries(NOT_RUN).find(([start]) => p.name === start || p.name.startsWith(`${start} > `))?.[1];

/** Page sizes below the root: enough to reach the victim, small enough for the router's cost limit. */
const NESTED: NestedArguments = {
  "Category.products": { first: 5 },
  "Product.reviews": { first: 5 },
  "User.reviews": { first: 50 },
  "User.orders": { first: 1 },
};

interface RootFixture {
  /** The root field's arguments naming the victim's data, as anyone may send them. */
  args: Record<string, unknown>;
  /** What staff send instead, to show that the path reaches the victim (login: the right password). */
  staffArgs?: Record<string, unknown>;
  /** "any" for `me`, which names the caller and so never the victim: staff must then see their own data. */
  staffSees?: "victim" | "any";
}

const customers = store.users.filter((u) => u.roles.length === 1 && u.roles[0] === "customer");
const staff = store.users.find((u) => u.roles.includes("admin"))!;
const pad = (n: number, width: number) => String(n).padStart(width, "0");
const DENIALS = new Set(["UNAUTHENTICATED", "FORBIDDEN"]);
const otherErrors = (result: GraphQLResult) => (result.errors ?? []).filter((e) => !DENIALS.has(e.extensions?.code));

let victim: SeedUser;
let attacker: SeedUser;
let fixtures: Record<string, RootFixture>;
let victimTrackingNumbers: string[];
const headers: {
  anonymous: Record<string, string>;
  attacker?: Record<string, string>;
  staff?: Record<string, string>;
  victim?: Record<string, string>;
} = { anonymous: {} };

let bareRouter: Router | undefined;
let bareUrl = "";

beforeAll(async () => {
  headers.staff = await tokenHeader(staff);

  // The victim: a customer with orders who wrote one of the newest reviews of one of the first products
  // of a category, so that every path below (categories, a product's reviews) reaches them.
  const found = await graphql(
    routerUrl,
    `
      {
        categories {
          slug
          products(first: 5) {
            edges {
              node {
                id
                reviews(first: 5) {
                  edges {
                    node {
                      id
                      author {
                        id
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    `,
    undefined,
    headers.staff,
  );
  expect(found.errors).toBeUndefined();
  const candidates = found.data.categories.flatMap((category: any) =>
    category.products.edges.flatMap(({ node: product }: any) =>
      product.reviews.edges.map(({ node: review }: any) => ({
        category: category.slug as string,
        product: product.id as string,
        review: review.id as string,
        author: review.author.id as string,
      })),
    ),
  );
  const pick = candidates.find(
    (c: { author: string }) => customers.some((u) => u.id === c.author) && store.orders.some((o) => o.userId === c.author),
  )!;
  expect(pick).toBeDefined();
  victim = customers.find((u) => u.id === pick.author)!;
  attacker = customers.find((u) => u.id !== victim.id)!;
  headers.victim = await tokenHeader(victim);
  headers.attacker = await tokenHeader(attacker);

  const victimOrders = store.orders.filter((o) => o.userId === victim.id);
  const own = await graphql(
    routerUrl,
    `
      {
        me {
          orders(first: 50) {
            edges {
              node {
                id
                shipment {
                  trackingNumber
                }
              }
            }
          }
        }
      }
    `,
    undefined,
    headers.victim,
  );
  victimTrackingNumbers = own.data.me.orders.edges.map((e: any) => e.node.shipment.trackingNumber);

  // The cursor just before the victim in the list of users, so that `users(first: 1)` is the victim.
  let after: string | null = null;
  let before: string | null = null;
  for (;;) {
    const page: GraphQLResult = await graphql(
      routerUrl,
      `
        query ($after: String) {
          users(first: 100, after: $after) {
            edges {
              cursor
              node {
                id
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      `,
      { after },
    );
    const index = page.data.users.edges.findIndex((e: any) => e.node.id === victim.id);
    if (index >= 0) {
      before = index > 0 ? page.data.users.edges[index - 1].cursor : after;
      break;
    }
    if (!page.data.users.pageInfo.hasNextPage) throw new Error("the victim is not in the list of users");
    after = page.data.users.pageInfo.endCursor;
  }

  fixtures = {
    "Query.me": { args: {}, staffSees: "any" },
    "Query.user": { args: { id: victim.id } },
    "Query.users": { args: { first: 1, after: before } },
    "Query.order": { args: { id: victimOrders[0]!.id } },
    "Query.trackShipment": { args: { trackingNumber: victimTrackingNumbers[0] } },
    "Query.product": { args: { id: pick.product } },
    "Query.products": { args: { filter: { categorySlug: pick.category }, first: 5 } },
    "Query.category": { args: { slug: pick.category } },
    "Query.categories": { args: {} },
    "Query.review": { args: { id: pick.review } },
    "Mutation.login": {
      args: { username: victim.username, password: "not-the-victims-password" },
      staffArgs: { username: victim.username, password: DEMO_PASSWORD },
    },
  };

  // The same supergraph, every @authenticated, @requiresScopes and @policy application removed, served
  // by a router of its own in front of the same subgraphs.
  const dir = mkdtempSync(path.join(os.tmpdir(), "router-bare-"));
  const bareSupergraph = path.join(dir, "supergraph.graphql");
  writeFileSync(bareSupergraph, withoutAuthorizationDirectives(supergraphSdl));
  bareRouter = createRouter(
    loadRouterConfig({
      env: { LOG_LEVEL: "silent", AUTH_JWT_SECRET: TEST_JWT_SECRET, ...signingEnv },
      flags: { supergraph: bareSupergraph, port: "0" },
    }),
  );
  bareUrl = `${(await bareRouter.start()).url}/graphql`;
});

afterAll(() => bareRouter?.stop());

describe("the walk over the API schema", () => {
  it("finds the paths it must, so that it cannot pass by finding none", () => {
    const names = paths.map((p) => p.name);
    for (const expected of [
      "Query.me > User.email",
      "Query.user > User.orders > OrderConnection.edges > OrderEdge.node",
      "Query.order",
      "Query.product > Product.reviews > ReviewConnection.edges > ReviewEdge.node > Review.author > User.email",
      "Mutation.login > Session.user > User.roles",
    ]) {
      expect(names).toContain(expected);
    }
  });

  it("finds every root field on a path covered by a fixture or a reason not to run it", () => {
    const uncovered = [...new Set(paths.filter((p) => !notRunBecause(p) && !fixtures[p.root]).map((p) => p.root))];
    expect(uncovered, `add a fixture to private-paths.e2e.test.ts for: ${uncovered.join(", ")}`).toEqual([]);
  });

  it("finds no way from the public tracking view to an order or a user's private fields", () => {
    expect(paths.filter((p) => p.root === "Query.trackShipment").map((p) => p.name)).toEqual([]);
  });

  it("drops every authorization directive for the bare router", () => {
    expect([...privateUserFields(withoutAuthorizationDirectives(supergraphSdl), [])]).toEqual([]);
    expect([...privateUserFields(supergraphSdl, [])].sort()).toEqual(["email", "orders", "roles"]);
  });
});

const routers: Array<[string, () => string]> = [
  ["through the stack's router", () => routerUrl],
  ["through a router whose supergraph has no authorization directives", () => bareUrl],
];

describe.each(routers)("every path to an order or a user's private fields, %s", (_label, url) => {
  for (const p of paths) {
    const reason = notRunBecause(p);
    if (reason) {
      it.skip(`${p.name} (not run: ${reason})`, () => {});
      continue;
    }
    it(`${p.name}: anonymous and another customer get none of the victim's data, staff get it`, async () => {
      const fixture = fixtures[p.root];
      if (!fixture)
        throw new Error(
          `No fixture for ${p.root}: add one to the fixtures in private-paths.e2e.test.ts, with arguments that name the victim's data (${p.name} reaches private data).`,
        );
      const attempt = operationFor(api, p, fixture.args, NESTED);
      for (const [who, caller] of [
        ["an anonymous caller", headers.anonymous],
        ["another customer", headers.attacker!],
      ] as const) {
        const result = await graphql(url(), attempt.query, attempt.variables, caller);
        const leaked = valuesAtEnd(result.data, p).filter((found) => found.owner === victim.id && found.value !== null);
        expect(leaked, `${who} got the victim's data from ${attempt.query}`).toEqual([]);
        expect(otherErrors(result), `${who}: only denials may come back`).toEqual([]);
      }

      const check = operationFor(api, p, fixture.staffArgs ?? fixture.args, NESTED);
      const seen = await graphql(url(), check.query, check.variables, headers.staff);
      expect(seen.errors, `staff asking ${check.query}`).toBeUndefined();
      const values = valuesAtEnd(seen.data, p).filter((found) => found.value !== null);
      const expected = fixture.staffSees === "any" ? values : values.filter((found) => found.owner === victim.id);
      expect(expected.length, `staff should reach the victim through ${check.query}`).toBeGreaterThan(0);
    });
  }

  it("the victim reads their own email, roles, orders and tracking numbers on the main paths", async () => {
    const ownOrders = store.orders.filter((o) => o.userId === victim.id).map((o) => o.id);
    const mine = await graphql(
      url(),
      `
        query ($id: ID!, $order: ID!) {
          me {
            id
            email
            roles
            orders(first: 50) {
              edges {
                node {
                  id
                }
              }
            }
          }
          user(id: $id) {
            email
            roles
            orders(first: 1) {
              totalCount
            }
          }
          order(id: $order) {
            id
            user {
              id
            }
            lines {
              quantity
            }
            shipment {
              trackingNumber
              order {
                id
              }
            }
          }
        }
      `,
      { id: victim.id, order: ownOrders[0] },
      headers.victim,
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data.me).toMatchObject({ id: victim.id, email: victim.email, roles: [...victim.roles] });
    expect(mine.data.me.orders.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(ownOrders));
    expect(mine.data.user).toMatchObject({ email: victim.email, roles: [...victim.roles] });
    expect(mine.data.user.orders.totalCount).toBeGreaterThanOrEqual(ownOrders.length);
    expect(mine.data.order).toMatchObject({ id: ownOrders[0], user: { id: victim.id }, shipment: { order: { id: ownOrders[0] } } });
    expect(victimTrackingNumbers).toContain(mine.data.order.shipment.trackingNumber);

    // login is anonymous: the password is what shows the session its user's own fields.
    const session = await graphql(
      url(),
      `
        mutation ($u: String!, $p: String!) {
          login(username: $u, password: $p) {
            user {
              email
              roles
            }
          }
        }
      `,
      { u: victim.username, p: DEMO_PASSWORD },
    );
    expect(session.errors).toBeUndefined();
    expect(session.data.login.user).toEqual({ email: victim.email, roles: [...victim.roles] });
  });
});

describe("tracking numbers", () => {
  it("are random, and the numbers the old formula derived from each order find nothing", async () => {
    expect(victimTrackingNumbers.length).toBeGreaterThan(0);
    for (const number of victimTrackingNumbers) expect(number).toMatch(/^TRK[0-9A-F]{20}$/);
    for (const order of store.orders.filter((o) => o.userId === victim.id)) {
      const i = Number(order.id.slice("ord_".length)) - 1;
      const derived = `TRK${pad(100000 + ((i * 7919) % 900000), 6)}${pad(i + 1, 5)}`;
      const result = await graphql(
        routerUrl,
        `
          query ($n: String!) {
            trackShipment(trackingNumber: $n) {
              status
            }
          }
        `,
        { n: derived },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.trackShipment).toBeNull();
    }
  });

  it("show anyone holding one the carrier's status and events, and nothing of the order", async () => {
    const order = store.orders.filter((o) => o.userId === victim.id)[0]!;
    const own = await graphql(
      routerUrl,
      `
        query ($id: ID!) {
          order(id: $id) {
            shipment {
              trackingNumber
            }
          }
        }
      `,
      { id: order.id },
      headers.victim,
    );
    const trackingNumber = own.data.order.shipment.trackingNumber;
    const result = await graphql(
      routerUrl,
      `
        query ($n: String!) {
          trackShipment(trackingNumber: $n) {
            trackingNumber
            carrier
            status
            events {
              status
              description
              location
            }
          }
        }
      `,
      { n: trackingNumber },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.trackShipment).toEqual({
      trackingNumber,
      carrier: order.shipment.carrier,
      status: order.shipment.status,
      events: order.shipment.events.map(({ status, description, location }) => ({ status, description, location })),
    });
  });
});
