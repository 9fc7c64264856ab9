import type { BaseContext } from "@apollo/server";
import type { GraphQLExchange } from "@store/service-kit";
import type { Caller } from "@store/wire";

/** Every verified claim of the caller's token, normalized (exp, iss, client_id, ...): for what reads claims beyond the caller. */
export type TokenClaims = Readonly<Record<string, unknown>>;

export interface RouterContext extends BaseContext {
  requestId: string;
  /**
   * Who the caller is, from a verified token (features/authentication), or null for an anonymous one.
   * The router forwards it to subgraphs in CLAIMS_HEADER; it never forwards a client's own copy of that header.
   */
  caller: Caller | null;
  /** The token's claims the caller came from (query merging keys on them, usage reports read the client claim). */
  tokenClaims: TokenClaims | null;
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
