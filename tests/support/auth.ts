/** Tokens for end-to-end tests: a real login through the router, or one minted like accounts mints them. */
import { SignJWT } from "jose";
import { DEMO_PASSWORD } from "@store/seed-data";
import { graphql } from "./graphql.ts";
import { TEST_JWT_SECRET } from "./test-stack.ts";

export const LOGIN = `mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) { token expiresAt user { id username roles } }
}`;

/** Signs in through the router with the seeded demo password; returns the Authorization header. */
export async function loginAs(routerUrl: string, username: string): Promise<{ authorization: string }> {
  const result = await graphql(routerUrl, LOGIN, { username, password: DEMO_PASSWORD });
  if (!result.data?.login) throw new Error(`login as ${username} failed: ${JSON.stringify(result.errors)}`);
  return { authorization: `Bearer ${result.data.login.token}` };
}

/** An HS256 token with the store's claims (iss, aud, 1 h exp), any of them overridden; signed with the test stack's secret. */
export function mintToken(claims: Record<string, unknown> = {}, secret = TEST_JWT_SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: "store-accounts",
    aud: "store-graph",
    iat: now,
    exp: now + 3600,
    scope: "orders:read orders:write reviews:write profile:read",
    roles: ["customer"],
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret));
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const CUSTOMER_SCOPES = "orders:read orders:write reviews:write profile:read";
export const ADMIN_SCOPES = `${CUSTOMER_SCOPES} inventory:read inventory:write admin`;
export const STAFF_SCOPES = `${CUSTOMER_SCOPES} inventory:read staff`;

/** The Authorization header for a seeded `user`: scopes from its roles, unless `scopes` says otherwise. */
export async function tokenHeader(
  user: { id: string; username?: string; roles: readonly string[] },
  options: { scopes?: readonly string[] } = {},
) {
  const byRole = user.roles.includes("admin") ? ADMIN_SCOPES : user.roles.includes("staff") ? STAFF_SCOPES : CUSTOMER_SCOPES;
  const scope = options.scopes ? options.scopes.join(" ") : byRole;
  return bearer(await mintToken({ sub: user.id, scope, roles: [...user.roles], ...(user.username && { username: user.username }) }));
}
