import { createHmac, createSecretKey, randomUUID, timingSafeEqual, type KeyObject } from "node:crypto";

/**
 * Signed subgraph requests: only the router (and the services a subgraph trusts) can call it.
 *
 * Scheme v2: HMAC-SHA256, keyed with a secret shared by the caller and the subgraph, over
 *   "v2" \n timestamp \n caller \n nonce \n claims-header \n body
 * Every field before the body comes from an HTTP header value, which cannot hold a newline, so the
 * layout is unambiguous. The timestamp (Unix seconds) bounds how long a captured request can be
 * replayed, and the nonce lets the callee refuse a replay inside that window (replay-guard.ts); the
 * claims header is covered so that a caller's identity cannot be swapped under a signed body.
 * Which caller may call which callee is declared in service-calls.ts.
 */
export const SIGNATURE_HEADER = "x-supergraph-signature";
export const TIMESTAMP_HEADER = "x-supergraph-timestamp";
/** Who signed: "router", or the name of the calling service (orders, reviews...). */
export const CALLER_HEADER = "x-supergraph-caller";
export const CLAIMS_HEADER = "x-supergraph-claims";
/** Random per signed request: a callee remembers it for the signature window to refuse replays. */
export const NONCE_HEADER = "x-supergraph-nonce";
export const ROUTER_CALLER = "router";

const VERSION = "v2";
/** Shorter secrets are refused at start: HMAC is only as strong as its key. */
export const MIN_SECRET_LENGTH = 32;
/** Hosts' clocks differ a little; a timestamp this far ahead is still accepted. */
export const CLOCK_SKEW_SECONDS = 5;

export type SignedHeaders = {
  [SIGNATURE_HEADER]: string;
  [TIMESTAMP_HEADER]: string;
  [CALLER_HEADER]: string;
  [NONCE_HEADER]: string;
};

function mac(key: KeyObject, timestamp: string, caller: string, nonce: string, claims: string, body: string): string {
  return createHmac("sha256", key).update(`${VERSION}\n${timestamp}\n${caller}\n${nonce}\n${claims}\n`).update(body).digest("hex");
}

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

/** Signs requests as `caller` with one secret; the key is prepared once, not per request. */
export function createRequestSigner(caller: string, secret: string, now: () => number = Date.now) {
  const key = createSecretKey(Buffer.from(secret, "utf8"));
  return (body: string, claims = ""): SignedHeaders => {
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = randomUUID();
    return {
      [SIGNATURE_HEADER]: `${VERSION}=${mac(key, timestamp, caller, nonce, claims, body)}`,
      [TIMESTAMP_HEADER]: timestamp,
      [CALLER_HEADER]: caller,
      [NONCE_HEADER]: nonce,
    };
  };
}

export type RequestSigner = ReturnType<typeof createRequestSigner>;

/**
 * `reason` says what is wrong, for the callee's log only: it may name callers and the callee's
 * clock, which an outsider must not learn (REFUSED_MESSAGE is what the caller is told).
 */
export type Verification = { ok: true; caller: string; nonce: string } | { ok: false; reason: string };

/** What a refused caller is told, whatever the reason. */
export const REFUSED_MESSAGE = "This subgraph only answers requests signed by the router or by a service allowed to call it.";

export interface VerifierOptions {
  /** Accepted callers and the secret each signs with ("router" for the router). */
  credentials: Readonly<Record<string, string>>;
  /** How old a signature may be, in seconds. */
  maxAgeSeconds: number;
  now?: () => number;
}

type HeaderSource = Readonly<Record<string, string | string[] | undefined>>;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/** Checks a request's signature against the caller's secret. */
export function createRequestVerifier({ credentials, maxAgeSeconds, now = Date.now }: VerifierOptions) {
  const keys = new Map(Object.entries(credentials).map(([caller, secret]) => [caller, createSecretKey(Buffer.from(secret, "utf8"))]));
  return (headers: HeaderSource, body: string): Verification => {
    const signature = single(headers[SIGNATURE_HEADER]);
    const timestamp = single(headers[TIMESTAMP_HEADER]);
    const nonce = single(headers[NONCE_HEADER]);
    if (!signature || !timestamp)
      return { ok: false, reason: "This subgraph only answers signed requests (from the router or a trusted service)." };
    const caller = single(headers[CALLER_HEADER]) ?? ROUTER_CALLER;
    const key = keys.get(caller);
    if (!key) return { ok: false, reason: `Caller "${caller}" is not trusted by this subgraph.` };
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `The request timestamp is not Unix seconds.` };
    const age = Math.floor(now() / 1000) - Number(timestamp);
    if (age > maxAgeSeconds)
      return { ok: false, reason: `The request signature expired (signed ${age} s ago; at most ${maxAgeSeconds} s are accepted).` };
    if (age < -CLOCK_SKEW_SECONDS) return { ok: false, reason: `The request timestamp is ${-age} s in the future.` };
    const [version, hex] = signature.split("=", 2);
    if (version !== VERSION || !hex || !/^[0-9a-f]{64}$/.test(hex))
      return { ok: false, reason: `The request signature is malformed (expected ${VERSION}=<64 hex digits>).` };
    if (!nonce || !NONCE.test(nonce))
      return { ok: false, reason: `The request nonce is missing or malformed (16 to 64 base64url characters).` };
    const claims = single(headers[CLAIMS_HEADER]) ?? "";
    const expected = Buffer.from(mac(key, timestamp, caller, nonce, claims, body), "hex");
    if (!timingSafeEqual(expected, Buffer.from(hex, "hex")))
      return { ok: false, reason: "The request signature does not match its body, timestamp, nonce and claims." };
    return { ok: true, caller, nonce };
  };
}

export type RequestVerifier = ReturnType<typeof createRequestVerifier>;

/** Env name of the secret the router signs requests to `subgraph` with (read by both). */
export const routerSecretVariable = (subgraph: string) => `SUBGRAPH_SECRET_${envName(subgraph)}`;
/** Env name of the secret `caller` signs its requests to `callee` with (read by both). */
export const callerSecretVariable = (callee: string, caller: string) => `SUBGRAPH_SECRET_${envName(callee)}_FROM_${envName(caller)}`;

function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}
