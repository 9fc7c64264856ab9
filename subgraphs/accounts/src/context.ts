import type { Caller } from "@store/wire";
import type { RequestInfo } from "@store/service-kit";
import type { AccountsPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { TokenIssuer } from "./tokens.ts";

export interface AccountsContext {
  requestId: string;
  prisma: AccountsPrisma;
  loaders: Loaders;
  /** The signed-in caller (from the router's claims header), or null for an anonymous request. */
  caller: Caller | null;
  /** caller.id, or null for an anonymous request. */
  callerId: string | null;
  /** Signs login tokens (one per process). */
  tokens: TokenIssuer;
  /**
   * Users who proved their password in this request (login): the session it returns may show their
   * private fields although the request itself is anonymous.
   */
  signedInUserIds: Set<string>;
}

export function createContext(prisma: AccountsPrisma, request: RequestInfo, tokens: TokenIssuer): AccountsContext {
  return {
    requestId: request.requestId,
    prisma,
    loaders: createLoaders(prisma),
    caller: request.caller,
    callerId: request.caller?.id ?? null,
    tokens,
    signedInUserIds: new Set(),
  };
}
