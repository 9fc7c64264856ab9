import type { IncomingMessage } from "node:http";
import { HeaderMap } from "@apollo/server";
import { CLAIMS_HEADER, ErrorCode, codedError, encodeClaimsHeader } from "@store/wire";
import type { Logger } from "@store/service-kit";
import type { GraphQLError } from "graphql";
import type { RouterContext } from "../../context.ts";
import type { PolicyStage } from "../stage.ts";
import type { AuthenticationSettings } from "./config.ts";
import { createKeySet } from "./key-set.ts";
import { TokenRejected, createTokenVerifier } from "./verifier.ts";

/**
 * Authentication: a bearer token becomes the request's claims, before anything else reads the
 * request; a missing token means an anonymous caller, a bad one a 401 and no subgraph call. Each
 * subgraph fetch carries the claims in CLAIMS_HEADER, and never a copy from anywhere else.
 */
export function createAuthenticationStage({ settings, logger }: { settings: AuthenticationSettings; logger: Logger }): PolicyStage {
  const verify = settings.enabled ? createTokenVerifier(settings, settings.jwks && createKeySet(settings.jwks)) : undefined;
  // Encoded once per request, however many subgraph fetches its plan makes.
  const encoded = new WeakMap<RouterContext, string>();
  // An unreachable key set is the operator's problem, not the client's: warn, at most every 10 s.
  let lastKeysWarning = 0;
  return {
    name: "authentication",
    ...(verify && {
      async context(req: IncomingMessage, context: RouterContext) {
        const header = req.headers.authorization;
        if (header === undefined || header.trim() === "") return;
        try {
          context.claims = await verify(bearerToken(header));
        } catch (error) {
          if (!(error instanceof TokenRejected)) throw error;
          if (error.status === 503 && Date.now() - lastKeysWarning > 10_000) {
            lastKeysWarning = Date.now();
            logger.warn({ requestId: context.requestId, jwks: settings.jwks?.kind === "url" ? settings.jwks.url : undefined }, "cannot fetch the JWKS to verify tokens");
          } else logger.debug({ requestId: context.requestId, reason: error.reason }, "token rejected");
          throw unauthenticated(error);
        }
      },
    }),
    subgraphRequest({ context, headers }) {
      delete headers[CLAIMS_HEADER];
      const claims = context?.claims;
      if (!claims) return;
      let value = encoded.get(context);
      if (value === undefined) {
        value = encodeClaimsHeader({
          id: claims.sub,
          scopes: claims.scopes,
          roles: Array.isArray(claims.roles) ? (claims.roles as string[]) : [],
          username: typeof claims.username === "string" ? claims.username : undefined,
        });
        encoded.set(context, value);
      }
      headers[CLAIMS_HEADER] = value;
    },
  };
}

/** The token from `Authorization: Bearer <token>`; any other shape is a malformed credential. */
function bearerToken(header: string): string {
  const match = /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
  if (!match) throw new TokenRejected("malformed", "The Authorization header must be `Bearer <token>`.");
  return match[1]!;
}

/** A GraphQL error Apollo Server answers with the given HTTP status (RFC 6750's WWW-Authenticate on a 401). */
function unauthenticated(rejected: TokenRejected): GraphQLError {
  const unavailable = rejected.status === 503;
  const headers = new HeaderMap();
  if (!unavailable) headers.set("www-authenticate", `Bearer error="invalid_token", error_description="${rejected.message.replace(/["\\]/g, "'")}"`);
  return codedError(unavailable ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.UNAUTHENTICATED, rejected.message, {
    reason: rejected.reason,
    http: { status: rejected.status, headers },
  });
}
