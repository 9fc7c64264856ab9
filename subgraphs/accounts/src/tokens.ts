import { SignJWT } from "jose";
import { scopesForRoles } from "./scopes.ts";

/** The claims every store token carries; the router checks `iss` and `aud` (authentication config). */
export const TOKEN_ISSUER = "store-accounts";
export const TOKEN_AUDIENCE = "store-graph";

export interface TokenIssuer {
  issue(user: { id: string; username: string; roles: readonly string[] }): Promise<{ token: string; expiresAt: Date }>;
}

/** HS256 login tokens: sub = user id, scope = space-separated scopes from the roles, roles, username. */
export function createTokenIssuer({ secret, ttlMinutes }: { secret: string; ttlMinutes: number }): TokenIssuer {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(user) {
      const now = Math.floor(Date.now() / 1000);
      const expiresAt = new Date((now + ttlMinutes * 60) * 1000);
      const token = await new SignJWT({ scope: scopesForRoles(user.roles).join(" "), roles: [...user.roles], username: user.username })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(user.id)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
  };
}
