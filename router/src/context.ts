import type { BaseContext } from "@apollo/server";
import type { GraphQLExchange } from "@store/service-kit";

/**
 * Who the caller is, from a verified token (features/authentication). The router forwards it to
 * subgraphs in CLAIMS_HEADER; it never forwards a client's own copy of that header.
 */
export interface Claims {
  /** The user id (the token's `sub`). */
  sub: string;
  /** Scopes granted by the token (`scope` claim, space separated, or `scopes` array). */
  scopes: readonly string[];
  /** Any other verified claims (roles, username, exp, ...). */
  [claim: string]: unknown;
}

export interface RouterContext extends BaseContext {
  requestId: string;
  /** Verified claims, or null for an anonymous caller. */
  claims: Claims | null;
  /** The client's request headers, lower-case names (for identity and header propagation rules). */
  clientHeaders: Readonly<Record<string, string | string[] | undefined>>;
  /** The client's address as the router's socket saw it. */
  clientIp: string;
  /**
   * The HTTP exchange: its response and how many operations it holds. Apollo gives each operation of
   * a batch its own shallow copy of the context; this object is the one they all share.
   */
  exchange?: GraphQLExchange;
  /** Headers from subgraph responses that header rules pass back to the client. */
  responseHeaders: Map<string, string>;
}
