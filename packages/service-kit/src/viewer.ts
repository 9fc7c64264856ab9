import type { IncomingHttpHeaders } from "node:http";
import { ErrorCode, codedError } from "./errors.ts";
import { CLAIMS_HEADER } from "./request-signing.ts";

/**
 * Who is calling, as the router tells its subgraphs. The router verifies the client's token and
 * sends the claims in CLAIMS_HEADER (base64url of JSON); it always drops a client's own copy and
 * signs its own (claims-signing.ts), so that no other service can make up a user. This module only
 * encodes and parses the header: it is the one definition of its format.
 */

/** What the router puts in the header. */
export interface ForwardedClaims {
  sub: string;
  scopes: readonly string[];
  roles: readonly string[];
  username?: string;
}

/** The signed-in caller a subgraph acts for. */
export interface Viewer {
  /** The user id (usr_...). */
  id: string;
  scopes: readonly string[];
  roles: readonly string[];
}

export function encodeClaimsHeader(claims: ForwardedClaims): string {
  const { sub, scopes, roles, username } = claims;
  return Buffer.from(JSON.stringify({ sub, scopes, roles, ...(username !== undefined && { username }) })).toString("base64url");
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/**
 * The viewer from a request's headers, or null for an anonymous request. A header that does not
 * parse also means anonymous: a subgraph never acts for a caller it cannot name.
 */
export function viewerFromHeaders(headers: IncomingHttpHeaders): Viewer | null {
  const raw = headers[CLAIMS_HEADER];
  return typeof raw === "string" ? (parseClaimsHeader(raw)?.viewer ?? null) : null;
}

/** The viewer a claims header names, or null when it does not parse. */
export function parseClaimsHeader(raw: string): { viewer: Viewer } | null {
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
  return { viewer: { id: sub, scopes, roles } };
}

/** The viewer, or UNAUTHENTICATED for an anonymous request to something only a signed-in user may do. */
export function requireViewer(viewer: Viewer | null, action: string): Viewer {
  if (!viewer) throw codedError(ErrorCode.UNAUTHENTICATED, `You must be signed in to ${action}.`);
  return viewer;
}
