import type { IncomingHttpHeaders } from "node:http";
import type { Caller } from "./caller.ts";
import { ErrorCode, codedError } from "./error-codes.ts";
import { CLAIMS_HEADER } from "./request-signing.ts";

/**
 * The claims header: how the router tells its subgraphs who is calling (base64url of JSON with
 * `sub`, `scopes`, `roles` and `username`). The router always drops a client's own copy and signs
 * its own (claims-signing.ts); this module is the one definition of the header's format.
 */

export function encodeClaimsHeader(caller: Caller): string {
  const { id: sub, scopes, roles, username } = caller;
  return Buffer.from(JSON.stringify({ sub, scopes, roles, ...(username !== undefined && { username }) })).toString("base64url");
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/**
 * The caller from a request's headers, or null for an anonymous request. A header that does not
 * parse also means anonymous: a subgraph never acts for a caller it cannot name.
 */
export function callerFromHeaders(headers: IncomingHttpHeaders): Caller | null {
  const raw = headers[CLAIMS_HEADER];
  return typeof raw === "string" ? parseClaimsHeader(raw) : null;
}

/** The caller a claims header names, or null when it does not parse. */
export function parseClaimsHeader(raw: string): Caller | null {
  if (raw.length === 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object") return null;
  const { sub, scopes, roles } = parsed as Record<string, unknown>;
  if (typeof sub !== "string" || sub.length === 0 || !isStringList(scopes) || !isStringList(roles)) return null;
  return { id: sub, scopes, roles };
}

/** The caller, or UNAUTHENTICATED for an anonymous request to something only a signed-in user may do. */
export function requireSignedIn(caller: Caller | null, action: string): Caller {
  if (!caller) throw codedError(ErrorCode.UNAUTHENTICATED, `You must be signed in to ${action}.`);
  return caller;
}
