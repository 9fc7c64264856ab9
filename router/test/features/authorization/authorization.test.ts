import { parse, print, type DocumentNode } from "graphql";
import { describe, expect, it } from "vitest";
import type { Caller } from "@store/wire";
import { UnauthorizableOperationError, analyzeOperation } from "../../../src/features/authorization/analyze.ts";
import {
  UnknownPolicyError,
  acceptAuthorizationFeatures,
  buildAuthorizationIndex,
} from "../../../src/features/authorization/directives.ts";
import { denialKey, evaluateGuards } from "../../../src/features/authorization/evaluate.ts";
import { mergeDenials } from "../../../src/features/authorization/merge.ts";
import { createPolicyRegistry, type PolicyInput } from "../../../src/features/authorization/policies.ts";
import { rewriteOperation } from "../../../src/features/authorization/rewrite.ts";
import { createAuthorizationHooks } from "../../../src/features/authorization/index.ts";
import { createLogger } from "@store/service-kit";
import { AUTHZ_SDL, admin, authzSchema, customer, staff } from "./authorization-fixture.ts";

const index = buildAuthorizationIndex(AUTHZ_SDL);
const policies = createPolicyRegistry({});

/** Analysis, evaluation and rewrite of one operation for one caller, as the plugin runs them. */
function authorize(query: string, caller: Caller | null, variables: Record<string, unknown> = {}, registry = policies) {
  const document: DocumentNode = parse(query);
  const analysis = analyzeOperation(authzSchema, index, document, undefined)!;
  const denials = evaluateGuards(analysis, caller, variables, registry);
  const rewritten = rewriteOperation(analysis, denials);
  return { analysis, denials, rewritten, printed: print(rewritten.operation).replace(/\s+/g, " ").trim() };
}

describe("authorization directives in the supergraph", () => {
  it("indexes field- and type-level requirements and the policy names", () => {
    expect(index.fields.get("User.email")).toEqual({ authenticated: true, scopes: undefined, policies: [["self_or_admin"]] });
    expect(index.fields.get("User.secret")).toEqual({ authenticated: false, scopes: [["admin"]], policies: undefined });
    expect(index.types.get("Stock")).toEqual({ authenticated: false, scopes: [["inventory:read"], ["admin"]], policies: undefined });
    expect([...index.policyNames].sort()).toEqual(["caller_is_buyer", "self_or_admin"]);
  });

  it("drops `for: SECURITY` from exactly the three authorization links, so the gateway loads them and still refuses others", () => {
    const { sdl } = acceptAuthorizationFeatures(AUTHZ_SDL);
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/authenticated\/v0\.1"\)/);
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/inaccessible\/v0\.2", for: SECURITY\)/);
    expect(sdl).toMatch(/email: String @authenticated @policy/);
  });

  it("refuses a supergraph naming a policy the router does not know, naming it", () => {
    const stage = createAuthorizationHooks({ config: { reject: false, policies: {} }, logger: createLogger("test", "silent") });
    const unknown = AUTHZ_SDL.replace(`[["caller_is_buyer"]]`, `[["owner_of_order"]]`);
    expect(() => stage.supergraph!(unknown)).toThrow(UnknownPolicyError);
    expect(() => stage.supergraph!(unknown)).toThrow(/owner_of_order/);
    const withConfigPolicy = createAuthorizationHooks({
      config: { reject: false, policies: { owner_of_order: { anyRole: ["admin"] }, caller_is_buyer: { anyRole: ["customer"] } } },
      logger: createLogger("test", "silent"),
    });
    expect(withConfigPolicy.supergraph!(unknown)).toMatch(/owner_of_order/);
  });
});

describe("authorizing an operation", () => {
  it("removes a field an anonymous caller may not see and answers it as null with UNAUTHENTICATED at its path", () => {
    const { denials, rewritten, printed } = authorize(`{ user(id: "usr_0009") { name email } }`, null);
    expect(denials.map((d) => d.code)).toEqual(["UNAUTHENTICATED"]);
    expect(printed).toBe(`{ user(id: "usr_0009") { name } }`);
    const merged = mergeDenials({ user: { name: "Ada" } }, rewritten);
    expect(merged.data).toEqual({ user: { name: "Ada", email: null } });
    expect(merged.errors).toEqual([
      { message: expect.stringMatching(/User\.email/), path: ["user", "email"], extensions: { code: "UNAUTHENTICATED" } },
    ]);
  });

  it("lets the user read their own email (me, or user(id:) with their id) and an admin read anyone's", () => {
    expect(authorize(`{ me { email } }`, customer()).denials).toEqual([]);
    expect(authorize(`query ($id: ID!) { user(id: $id) { email } }`, customer("usr_0001"), { id: "usr_0001" }).denials).toEqual([]);
    expect(authorize(`{ user(id: "usr_0005") { email } }`, customer("usr_0001")).denials.map((d) => d.code)).toEqual(["FORBIDDEN"]);
    expect(authorize(`{ user(id: "usr_0005") { email } }`, admin()).denials).toEqual([]);
  });

  it("does not let fragments or aliases smuggle a protected field", () => {
    const query = `
      query { mine: me { ...Contact } other: user(id: "usr_0005") { ...Contact ... on User { mail2: email } } }
      fragment Contact on User { name mail: email }`;
    const { denials, rewritten, printed } = authorize(query, customer("usr_0001"));
    // The same fragment is allowed under `me` and denied under another user: fragments are inlined.
    expect(denials.map((d) => `${d.guard.steps.map((s) => s.key).join(".")}:${d.code}`)).toEqual([
      "other.mail:FORBIDDEN",
      "other.mail2:FORBIDDEN",
    ]);
    expect(printed).not.toMatch(/other[^}]*email/);
    expect(printed).toMatch(/mine: me \{ \.\.\. on User \{ name mail: email \} \}/);
    const merged = mergeDenials({ mine: { name: "Me", mail: "me@example.com" }, other: { name: "Bo" } }, rewritten);
    expect(merged.data).toEqual({ mine: { name: "Me", mail: "me@example.com" }, other: { name: "Bo", mail: null, mail2: null } });
    expect(merged.errors.map((e) => e.path)).toEqual([
      ["other", "mail"],
      ["other", "mail2"],
    ]);
  });

  it("nulls a protected field in every entity of a list and propagates nulls through non-null positions", () => {
    const list = authorize(`{ products { name stock { quantity } } }`, customer());
    expect(list.printed).toBe(`{ products { name } }`);
    const merged = mergeDenials({ products: [{ name: "A" }, { name: "B" }] }, list.rewritten);
    expect(merged.data).toEqual({
      products: [
        { name: "A", stock: null },
        { name: "B", stock: null },
      ],
    });
    expect(merged.errors.map((e) => [e.path, e.extensions!.code])).toEqual([
      [["products", 0, "stock"], "FORBIDDEN"],
      [["products", 1, "stock"], "FORBIDDEN"],
    ]);
    expect(authorize(`{ products { name stock { quantity } } }`, admin()).denials).toEqual([]);

    // User.secret is String!: its User (in [User!]!) becomes null, so the list and then data.
    const nonNull = authorize(`{ users { name secret } me { name } }`, customer());
    const propagated = mergeDenials({ users: [{ name: "A" }, { name: "B" }], me: { name: "A" } }, nonNull.rewritten);
    expect(propagated.data).toBeNull();
    expect(propagated.errors[0]).toMatchObject({ path: ["users", 0, "secret"], extensions: { code: "FORBIDDEN" } });
  });

  it("applies a field selected through a fragment on a union only to the objects of that type", () => {
    const { rewritten, printed } = authorize(`{ search(text: "a") { ... on User { name email } ... on Product { name } } }`, null);
    expect(printed).toMatch(/search\(text: "a"\) \{ _authzTypename: __typename/);
    const merged = mergeDenials(
      {
        search: [
          { _authzTypename: "User", name: "Ada" },
          { _authzTypename: "Product", name: "Mill" },
        ],
      },
      rewritten,
    );
    expect(merged.data).toEqual({ search: [{ name: "Ada", email: null }, { name: "Mill" }] });
    expect(merged.errors.map((e) => e.path)).toEqual([["search", 0, "email"]]);
  });

  it("protects an interface field when an implementation does, and fields under a fragment on a protected type", () => {
    expect(authorize(`{ node(id: "1") { id ... on User { secret } } }`, customer()).denials.map((d) => d.guard.coordinate)).toEqual([
      "User.secret",
    ]);
    const { rewritten, printed } = authorize(`{ me { email } }`, null);
    expect(printed).toBe(`{ me { _authzPlaceholder: __typename } }`);
    expect(mergeDenials({ me: { _authzPlaceholder: "User" } }, rewritten).data).toEqual({ me: { email: null } });
  });

  it("answers an operation whose every root field is denied without running it", () => {
    const { rewritten } = authorize(`mutation { placeOrder(userId: "usr_0001") }`, null);
    expect(rewritten.emptyRoot).toBe(true);
    const merged = mergeDenials(undefined, rewritten);
    expect(merged.data).toBeNull(); // placeOrder is Boolean!
    expect(merged.errors).toMatchObject([{ path: ["placeOrder"], extensions: { code: "UNAUTHENTICATED" } }]);
  });

  it("evaluates policies with the field's arguments (variables substituted) and the path that leads to it", () => {
    const mutation = `mutation ($user: ID!) { placeOrder(userId: $user) }`;
    // No such policy is registered: it denies.
    expect(authorize(mutation, customer("usr_0001"), { user: "usr_0001" }).denials.map((d) => d.code)).toEqual(["FORBIDDEN"]);
    const seen: PolicyInput[] = [];
    const registry = createPolicyRegistry(
      {},
      {
        caller_is_buyer: (input) => (seen.push(input), input.field.args.userId === input.caller?.id),
      },
    );
    expect(authorize(mutation, customer("usr_0001"), { user: "usr_0001" }, registry).denials).toEqual([]);
    expect(authorize(mutation, customer("usr_0001"), { user: "usr_0007" }, registry).denials.map((d) => d.code)).toEqual(["FORBIDDEN"]);
    expect(seen[0]).toMatchObject({
      field: { parentType: "Mutation", name: "placeOrder", args: { userId: "usr_0001" }, returnType: "Boolean" },
      ancestors: [],
    });
    authorize(
      `query ($id: ID!) { user(id: $id) { email } }`,
      customer(),
      { id: "usr_0003" },
      createPolicyRegistry({}, { self_or_admin: (input) => (seen.push(input), false) }),
    );
    expect(seen.at(-1)!.ancestors).toEqual([{ parentType: "Query", name: "user", args: { id: "usr_0003" }, returnType: "User" }]);
  });

  it("denies when a policy throws, and skips fields the operation does not ask for (@skip/@include)", () => {
    const throwing = createPolicyRegistry(
      {},
      {
        self_or_admin: () => {
          throw new Error("boom");
        },
      },
    );
    expect(authorize(`{ me { email } }`, customer(), {}, throwing).denials).toHaveLength(1);
    const query = `query ($skip: Boolean!) { me { name email @skip(if: $skip) } }`;
    expect(authorize(query, null, { skip: true }).denials).toEqual([]);
    expect(authorize(query, null, { skip: false }).denials).toHaveLength(1);
  });

  it("refuses operations it cannot authorize: the rewrite's own response keys, fragment bombs", () => {
    expect(() => authorize(`{ me { _authzTypename: name } }`, null)).toThrow(UnauthorizableOperationError);
    const fragments = Array.from({ length: 18 }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join("\n");
    expect(() => authorize(`{ me { ...F0 } } ${fragments} fragment F18 on User { name }`, null)).toThrow(/too large to authorize/);
  });

  it("keys a rewrite on the set of denied fields and their codes", () => {
    const query = `{ me { email } products { stock { quantity } } }`;
    expect(denialKey(authorize(query, null).denials)).toBe("0U,1U");
    expect(denialKey(authorize(query, customer()).denials)).toBe("1F");
    expect(denialKey(authorize(query, admin()).denials)).toBe("");
  });

  it("self_or_admin: the caller's own User (me, user(id: sub), the session login returns), or any User for an admin", () => {
    const selfOrAdmin = policies.get("self_or_admin")!;
    const at = (parentType: string, name: string, returnType: string, args: Record<string, unknown> = {}) => ({
      parentType,
      name,
      returnType,
      args,
    });
    const email = at("User", "email", "String");
    const check = (caller: Caller | null, ...ancestors: ReturnType<typeof at>[]) => selfOrAdmin({ caller, field: email, ancestors });
    expect(check(customer("usr_0001"), at("Query", "me", "User"))).toBe(true);
    expect(check(customer("usr_0001"), at("Query", "user", "User", { id: "usr_0001" }))).toBe(true);
    expect(check(customer("usr_0001"), at("Query", "user", "User", { id: "usr_0002" }))).toBe(false);
    expect(check(null, at("Mutation", "login", "Session"), at("Session", "user", "User"))).toBe(true);
    expect(check(null, at("Query", "me", "User"))).toBe(false);
    expect(check(customer("usr_0001"), at("Query", "review", "Review"), at("Review", "author", "User"))).toBe(false);
    expect(check(admin(), at("Query", "review", "Review"), at("Review", "author", "User"))).toBe(true);
    // Staff read orders, not accounts: a staff member gets no one else's email.
    expect(check(staff(), at("Query", "review", "Review"), at("Review", "author", "User"))).toBe(false);
  });

  it("self_or_staff: the caller's own orders, or any user's for staff (the staff role or scope) and admins", () => {
    const selfOrStaff = policies.get("self_or_staff")!;
    const orders = { parentType: "User", name: "orders", returnType: "OrderConnection", args: {} };
    const user = (id: string) => ({ parentType: "Query", name: "user", returnType: "User", args: { id } });
    const check = (caller: Caller | null, holder = user("usr_0009")) => selfOrStaff({ caller, field: orders, ancestors: [holder] });
    expect(check(customer("usr_0009"))).toBe(true);
    expect(check(customer("usr_0001"))).toBe(false);
    expect(check(null)).toBe(false);
    expect(check(staff())).toBe(true);
    expect(check({ id: "usr_0100", roles: [], scopes: ["staff"] })).toBe(true);
    expect(check(admin())).toBe(true);
  });

  it("applies config-declared policies by role and scope", () => {
    const registry = createPolicyRegistry({
      staff: { anyRole: ["staff", "admin"] },
      writer: { allScopes: ["reviews:write", "profile:read"] },
    });
    const input = (caller: Caller | null): PolicyInput => ({
      caller,
      field: { parentType: "Query", name: "x", args: {}, returnType: "String" },
      ancestors: [],
    });
    expect(registry.get("staff")!(input(admin()))).toBe(true);
    expect(registry.get("staff")!(input(customer()))).toBe(false);
    expect(registry.get("writer")!(input(customer()))).toBe(true);
    expect(registry.get("writer")!(input(null))).toBe(false);
  });
});
