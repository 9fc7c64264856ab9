import type { RequestInfo, Viewer } from "@store/service-kit";
import type { AccountsPrisma } from "./data/prisma.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { TokenIssuer } from "./tokens.ts";

export interface AccountsContext {
  requestId: string;
  prisma: AccountsPrisma;
  loaders: Loaders;
  /** The signed-in caller (from the router's claims header), or null for an anonymous request. */
  viewer: Viewer | null;
  /** viewer.id, or null for an anonymous request. */
  viewerId: string | null;
  /** Signs login tokens (one per process). */
  tokens: TokenIssuer;
  /**
   * Users who proved their password in this request (login): the session it returns may show their
   * private fields although the request itself is anonymous.
   */
  signedInUserIds: Set<string>;
}

export function createContext(prisma: AccountsPrisma, request: RequestInfo, tokens: TokenIssuer): AccountsContext {
  return { requestId: request.requestId, prisma, loaders: createLoaders(prisma), viewer: request.viewer, viewerId: request.viewer?.id ?? null, tokens, signedInUserIds: new Set() };
}
