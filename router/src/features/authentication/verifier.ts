import { decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from "jose";
import type { AuthenticationSettings } from "./config.ts";

/** Why a token was refused; `reason` is stable (logs, tests), `message` is for the client. */
export type FailureReason =
  | "malformed"
  | "expired"
  | "not_yet_valid"
  | "bad_signature"
  | "algorithm_not_allowed"
  | "unknown_key"
  | "wrong_issuer"
  | "wrong_audience"
  | "invalid_claims"
  | "keys_unavailable";

export class TokenRejected extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    /** 401, or 503 when the identity provider's keys could not be fetched (not the client's fault). */
    readonly status: 401 | 503 = 401,
  ) {
    super(message);
    this.name = "TokenRejected";
  }
}

/** A verified token's claims, `scopes`, `roles` and `username` normalized. */
export interface VerifiedClaims {
  /** The user id. */
  sub: string;
  scopes: string[];
  roles: string[];
  username?: string;
  [claim: string]: unknown;
}

export type TokenVerifier = (token: string) => Promise<VerifiedClaims>;

/**
 * Verifies a compact JWT and returns its claims: signature (HS256 with the secret, RS256/ES256 with
 * the key set), algorithm in the accepted list, iss, aud, exp and nbf within the clock tolerance,
 * `sub` and `exp` present. Throws TokenRejected saying what is wrong.
 */
export function createTokenVerifier(settings: AuthenticationSettings, keySet?: JWTVerifyGetKey): TokenVerifier {
  // Imported once: jose would import raw secret bytes again on every verification.
  const secretKey = settings.secret
    ? crypto.subtle.importKey("raw", new TextEncoder().encode(settings.secret.reveal()), { name: "HMAC", hash: "SHA-256" }, false, [
        "verify",
      ])
    : undefined;
  const options: JWTVerifyOptions = {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: settings.algorithms,
    clockTolerance: settings.clockToleranceSeconds,
    requiredClaims: ["sub", "exp"],
  };
  // jose checks the algorithm against `algorithms` before it asks for a key.
  const getKey: JWTVerifyGetKey = (header, token) => {
    if (header.alg === "HS256") return secretKey! as Promise<CryptoKey>;
    return keySet!(header, token);
  };
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, options));
    } catch (error) {
      throw rejection(error, token, settings.algorithms);
    }
    return toClaims(payload);
  };
}

const stringList = (value: unknown): string[] =>
  typeof value === "string"
    ? value.split(" ").filter(Boolean)
    : Array.isArray(value)
      ? value.filter((item): item is string => typeof item === "string")
      : [];

/** The token's claims with `scopes` (from `scope`, space separated, or a `scopes` list), `roles` and `username` normalized. */
export function toClaims(payload: JWTPayload): VerifiedClaims {
  if (typeof payload.sub !== "string" || payload.sub.length === 0)
    throw new TokenRejected("invalid_claims", "The token's sub claim must be a non-empty string.");
  const scopes = [...new Set([...stringList(payload.scope), ...stringList(payload.scopes)])];
  const username =
    typeof payload.username === "string"
      ? payload.username
      : typeof payload.preferred_username === "string"
        ? payload.preferred_username
        : undefined;
  return { ...payload, sub: payload.sub, scopes, roles: stringList(payload.roles), ...(username !== undefined && { username }) };
}

function rejection(error: unknown, token: string, accepted: readonly string[]): TokenRejected {
  if (error instanceof TokenRejected) return error;
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return new TokenRejected("expired", "The token has expired.");
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "nbf") return new TokenRejected("not_yet_valid", "The token is not valid yet (its nbf is in the future).");
      if (claim === "iss") return new TokenRejected("wrong_issuer", "The token's issuer (iss) is not accepted.");
      if (claim === "aud") return new TokenRejected("wrong_audience", "The token's audience (aud) is not accepted.");
      if (reason === "missing") return new TokenRejected("invalid_claims", `The token has no ${claim} claim.`);
      return new TokenRejected("invalid_claims", `The token's ${claim} claim is invalid.`);
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return new TokenRejected("bad_signature", "The token's signature is invalid.");
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return new TokenRejected(
        "algorithm_not_allowed",
        `The token's algorithm ${JSON.stringify(algorithmOf(token))} is not accepted (accepted: ${accepted.join(", ")}).`,
      );
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return new TokenRejected("unknown_key", "No known signing key matches the token's key id (kid).");
    case "ERR_JWKS_TIMEOUT":
    case "ERR_JWKS_INVALID":
      return new TokenRejected("keys_unavailable", "The signing keys needed to check the token are unavailable; try again shortly.", 503);
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JOSE_NOT_SUPPORTED":
      return new TokenRejected("malformed", "The token is malformed (not a signed JWT this router can read).");
    default:
      // A failed JWKS fetch (connection refused, non-200) surfaces as a plain or generic error.
      if (code === "ERR_JOSE_GENERIC" || error instanceof TypeError) {
        return new TokenRejected("keys_unavailable", "The signing keys needed to check the token are unavailable; try again shortly.", 503);
      }
      return new TokenRejected("malformed", "The token is malformed (not a signed JWT this router can read).");
  }
}

function algorithmOf(token: string): unknown {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}
