/**
 * Tokens minted as the accounts subgraph mints them (HS256 with the test stack's secret), for tests
 * that need a caller with given roles or scopes without signing in.
 */
import { SignJWT } from "jose";
import { TEST_JWT_SECRET } from "./test-stack.ts";

export const CUSTOMER_SCOPES = "orders:read orders:write reviews:write profile:read";
export const ADMIN_SCOPES = `${CUSTOMER_SCOPES} inventory:read inventory:write admin`;

/** The Authorization header for `user`: scopes from its roles, unless `scopes` says otherwise. */
export async function tokenHeader(user: { id: string; username?: string; roles: readonly string[] }, options: { scopes?: readonly string[] } = {}) {
  const scope = options.scopes ? options.scopes.join(" ") : user.roles.includes("admin") ? ADMIN_SCOPES : CUSTOMER_SCOPES;
  const token = await new SignJWT({ scope, roles: [...user.roles], ...(user.username && { username: user.username }) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer("store-accounts")
    .setAudience("store-graph")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
  return { authorization: `Bearer ${token}` };
}
