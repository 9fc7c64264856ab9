import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import type { AuthenticationSettings } from "./config.ts";

/**
 * The public keys for RS256/ES256 tokens, chosen by the token's `kid` and `alg`. A URL key set is
 * jose's remote JWKS: cached for cacheMaxAgeMs, and a token with an unknown kid (a rotated key)
 * triggers one refetch, after which further unknown kids are refused without fetching until
 * cooldownMs has passed, so a flood of made-up kids cannot hammer the identity provider.
 */
export function createKeySet(jwks: NonNullable<AuthenticationSettings["jwks"]>): JWTVerifyGetKey {
  if (jwks.kind === "file") return createLocalJWKSet(jwks.keys as Parameters<typeof createLocalJWKSet>[0]);
  return createRemoteJWKSet(new URL(jwks.url), {
    cacheMaxAge: jwks.cacheMaxAgeMs,
    cooldownDuration: jwks.cooldownMs,
    timeoutDuration: jwks.timeoutMs,
  });
}
