import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";

/**
 * Signed subgraph requests: only the router (and the services a subgraph trusts) can call it.
 *
 * Scheme v1: HMAC-SHA256, keyed with a secret shared by the caller and the subgraph, over
 *   "v1" \n timestamp \n caller \n claims-header \n body
 * Every field before the body comes from an HTTP header value, which cannot hold a newline, so the
 * layout is unambiguous. The timestamp (Unix seconds) bounds how long a captured request can be
 * replayed; the claims header is covered so that a caller's identity cannot be swapped under a
 * signed body.
 */
export const SIGNATURE_HEADER = "x-supergraph-signature";
export const TIMESTAMP_HEADER = "x-supergraph-timestamp";
/** Who signed: "router", or the name of the calling service (orders, reviews...). */
export const CALLER_HEADER = "x-supergraph-caller";
export const CLAIMS_HEADER = "x-supergraph-claims";
export const ROUTER_CALLER = "router";

const VERSION = "v1";
/** Shorter secrets are refused at start: HMAC is only as strong as its key. */
export const MIN_SECRET_LENGTH = 32;
/** Hosts' clocks differ a little; a timestamp this far ahead is still accepted. */
export const CLOCK_SKEW_SECONDS = 5;

export type SignedHeaders = {
  [SIGNATURE_HEADER]: string;
  [TIMESTAMP_HEADER]: string;
  [CALLER_HEADER]: string;
};

function mac(key: KeyObject, timestamp: string, caller: string, claims: string, body: string): string {
  return createHmac("sha256", key).update(`${VERSION}\n${timestamp}\n${caller}\n${claims}\n`).update(body).digest("hex");
}

/** Signs requests as `caller` with one secret; the key is prepared once, not per request. */
export function createRequestSigner(caller: string, secret: string, now: () => number = Date.now) {
  const key = createSecretKey(Buffer.from(secret, "utf8"));
  return (body: string, claims = ""): SignedHeaders => {
    const timestamp = String(Math.floor(now() / 1000));
    return {
      [SIGNATURE_HEADER]: `${VERSION}=${mac(key, timestamp, caller, claims, body)}`,
      [TIMESTAMP_HEADER]: timestamp,
      [CALLER_HEADER]: caller,
    };
  };
}

export type RequestSigner = ReturnType<typeof createRequestSigner>;

export type Verification = { ok: true; caller: string } | { ok: false; reason: string };

export interface VerifierOptions {
  /** Accepted callers and the secret each signs with ("router" for the router). */
  credentials: Readonly<Record<string, string>>;
  /** How old a signature may be, in seconds. */
  maxAgeSeconds: number;
  now?: () => number;
}

type HeaderSource = Readonly<Record<string, string | string[] | undefined>>;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/**
 * Checks a request's signature against the caller's secret. The reasons are safe to show the caller:
 * they say what is wrong, never what the right signature would have been.
 */
export function createRequestVerifier({ credentials, maxAgeSeconds, now = Date.now }: VerifierOptions) {
  const keys = new Map(Object.entries(credentials).map(([caller, secret]) => [caller, createSecretKey(Buffer.from(secret, "utf8"))]));
  return (headers: HeaderSource, body: string): Verification => {
    const signature = single(headers[SIGNATURE_HEADER]);
    const timestamp = single(headers[TIMESTAMP_HEADER]);
    if (!signature || !timestamp) return { ok: false, reason: "This subgraph only answers signed requests (from the router or a trusted service)." };
    const caller = single(headers[CALLER_HEADER]) ?? ROUTER_CALLER;
    const key = keys.get(caller);
    if (!key) return { ok: false, reason: `Caller "${caller}" is not trusted by this subgraph.` };
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `The request timestamp is not Unix seconds.` };
    const age = Math.floor(now() / 1000) - Number(timestamp);
    if (age > maxAgeSeconds) return { ok: false, reason: `The request signature expired (signed ${age} s ago; at most ${maxAgeSeconds} s are accepted).` };
    if (age < -CLOCK_SKEW_SECONDS) return { ok: false, reason: `The request timestamp is ${-age} s in the future.` };
    const [version, hex] = signature.split("=", 2);
    if (version !== VERSION || !hex || !/^[0-9a-f]{64}$/.test(hex)) return { ok: false, reason: `The request signature is malformed (expected ${VERSION}=<64 hex digits>).` };
    const claims = single(headers[CLAIMS_HEADER]) ?? "";
    const expected = Buffer.from(mac(key, timestamp, caller, claims, body), "hex");
    if (!timingSafeEqual(expected, Buffer.from(hex, "hex"))) return { ok: false, reason: "The request signature does not match its body, timestamp and claims." };
    return { ok: true, caller };
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
