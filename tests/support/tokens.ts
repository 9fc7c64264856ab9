import { SignJWT } from "jose";

/** The HS256 secret the e2e stack runs with (AUTH_JWT_SECRET for the router and accounts). */
export const TEST_JWT_SECRET = "e2e-only-hs256-secret-0123456789abcdef";

const CUSTOMER_SCOPES = ["orders:read", "orders:write", "reviews:write", "profile:read"];
const ADMIN_SCOPES = [...CUSTOMER_SCOPES, "inventory:read", "inventory:write", "admin"];

export interface TokenSubject {
  id: string;
  username?: string;
  roles: readonly string[];
}

/** Scopes as the accounts subgraph grants them from roles. */
export const scopesFor = (roles: readonly string[]) => (roles.includes("admin") ? ADMIN_SCOPES : roles.includes("customer") ? CUSTOMER_SCOPES : []);

/** A token as the accounts subgraph issues it, signed with the stack's secret. */
export async function tokenFor(user: TokenSubject, options: { scopes?: readonly string[]; secret?: string; expiresIn?: string } = {}): Promise<string> {
  return new SignJWT({ scope: (options.scopes ?? scopesFor(user.roles)).join(" "), roles: [...user.roles], ...(user.username && { username: user.username }) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer("store-accounts")
    .setAudience("store-graph")
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "1h")
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

/** The Authorization header for `user`. */
export const bearer = async (user: TokenSubject, options?: Parameters<typeof tokenFor>[1]) => ({ authorization: `Bearer ${await tokenFor(user, options)}` });
