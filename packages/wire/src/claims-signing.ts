import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { CLAIMS_HEADER } from "./request-signing.ts";
import type { Caller } from "./caller.ts";
import { parseClaimsHeader } from "./claims-header.ts";

/**
 * Claims about the end user come from the router alone: it signs the claims header with an Ed25519
 * private key that only it holds, and every subgraph verifies with the public key. A subgraph can
 * forward the router's claims unchanged on its own calls (orders -> inventory), but it cannot make
 * up a user, since it has no key to sign a claims header with. The request signature (an HMAC per
 * caller and callee) says who sent a request; this one says who the user is.
 */
export const CLAIMS_SIGNATURE_HEADER = "x-supergraph-claims-signature";
export const CLAIMS_PRIVATE_KEY_VARIABLE = "ROUTER_CLAIMS_PRIVATE_KEY";
export const CLAIMS_PUBLIC_KEY_VARIABLE = "ROUTER_CLAIMS_PUBLIC_KEY";

const DOMAIN = "supergraph-claims-v1\n";

/** An Ed25519 key from PEM text or base64/base64url DER (PKCS#8 private, SPKI public). */
export function parseClaimsKey(text: string, kind: "private" | "public"): KeyObject {
  const trimmed = text.trim();
  const pem = trimmed.startsWith("-----BEGIN") ? trimmed.replace(/\\n/g, "\n") : undefined;
  const der = pem === undefined ? Buffer.from(trimmed, "base64") : undefined;
  const key =
    kind === "private"
      ? createPrivateKey(pem ?? { key: der!, format: "der", type: "pkcs8" })
      : createPublicKey(pem ?? { key: der!, format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`expected an Ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}

/** How many distinct claims a signer or verifier remembers (the oldest are forgotten first). */
const CACHE_ENTRIES = 10_000;

/** Map insertion order is age order: the oldest entry leaves once the map is full. */
function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
  return value;
}

/**
 * Signs a claims header (encodeClaimsHeader's output) as the router. The signature header is
 * "<expiry in Unix seconds>.<Ed25519 signature, base64url>" over the expiry and the header, so a
 * captured pair is no use after `ttlSeconds`. A user's signature is reused for half its lifetime:
 * signing costs tens of microseconds, and a signed-in client sends many requests.
 */
export function createClaimsSigner(privateKey: KeyObject, ttlSeconds: number, now: () => number = Date.now) {
  const recent = new Map<string, { signature: string; renewAt: number }>();
  return (claimsHeader: string): string => {
    const seconds = Math.floor(now() / 1000);
    const cached = recent.get(claimsHeader);
    if (cached && cached.renewAt > seconds) return cached.signature;
    if (cached) recent.delete(claimsHeader);
    const expiry = seconds + ttlSeconds;
    const signature = `${expiry}.${sign(null, Buffer.from(`${DOMAIN}${expiry}\n${claimsHeader}`), privateKey).toString("base64url")}`;
    return remember(recent, claimsHeader, { signature, renewAt: seconds + Math.floor(ttlSeconds / 2) }).signature;
  };
}

export type ClaimsSigner = ReturnType<typeof createClaimsSigner>;

/** `reason` is for the callee's log; the caller is only told that the claims were refused. */
export type ClaimsVerdict = { ok: true; caller: Caller | null } | { ok: false; reason: string };

const SIGNATURE = /^(\d{1,12})\.([A-Za-z0-9_-]{80,100})$/;

/**
 * Checks the claims header of a request against the router's signature. No claims header: an
 * anonymous request. A header without a valid, unexpired signature: refused, never anonymous, so
 * that a forged user is an error an operator sees.
 */
export function createClaimsVerifier(publicKey: KeyObject, now: () => number = Date.now) {
  // Every fetch of one client request, and every service call forwarding it, carries the same pair:
  // it is checked once. Keyed by the signature, which covers the header it is stored with.
  const verified = new Map<string, { header: string; expiry: number; caller: Caller }>();
  return (headers: IncomingHttpHeaders): ClaimsVerdict => {
    const header = headers[CLAIMS_HEADER];
    if (header === undefined || header === "") return { ok: true, caller: null };
    const signature = headers[CLAIMS_SIGNATURE_HEADER];
    const seconds = Math.floor(now() / 1000);
    const known = typeof signature === "string" ? verified.get(signature) : undefined;
    if (known && known.header === header)
      return known.expiry >= seconds ? { ok: true, caller: known.caller } : { ok: false, reason: "expired claims" };
    const match = typeof header === "string" && typeof signature === "string" ? SIGNATURE.exec(signature) : null;
    if (!match) return { ok: false, reason: "claims without a well-formed router signature" };
    const [, expiry, value] = match as unknown as [string, string, string];
    let valid: boolean;
    try {
      valid = verify(null, Buffer.from(`${DOMAIN}${expiry}\n${header as string}`), publicKey, Buffer.from(value, "base64url"));
    } catch {
      valid = false;
    }
    if (!valid) return { ok: false, reason: "claims whose signature is not the router's" };
    if (Number(expiry) < seconds) return { ok: false, reason: "expired claims" };
    const caller = parseClaimsHeader(header as string);
    if (!caller) return { ok: false, reason: "signed claims that do not parse" };
    remember(verified, signature as string, { header: header as string, expiry: Number(expiry), caller });
    return { ok: true, caller };
  };
}

export type ClaimsVerifier = ReturnType<typeof createClaimsVerifier>;

/** The router's signed claims of an incoming request, to forward unchanged on a service's own calls; empty when anonymous. */
export function forwardableClaims(headers: IncomingHttpHeaders): Record<string, string> {
  const claims = headers[CLAIMS_HEADER];
  const signature = headers[CLAIMS_SIGNATURE_HEADER];
  if (typeof claims !== "string" || claims === "") return {};
  return { [CLAIMS_HEADER]: claims, ...(typeof signature === "string" && { [CLAIMS_SIGNATURE_HEADER]: signature }) };
}
