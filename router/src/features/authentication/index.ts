import type { IncomingMessage } from "node:http";
import { HeaderMap } from "@apollo/server";
import { CLAIMS_HEADER, ErrorCode, codedError, encodeClaimsHeader } from "@store/wire";
import type { Logger } from "@store/service-kit";
import type { GraphQLError } from "graphql";
import type { Caller } from "@store/wire";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";
import type { AuthenticationSettings } from "./config.ts";
import { createKeySet } from "./key-set.ts";
import { TokenRejected, createTokenVerifier, type VerifiedClaims } from "./verifier.ts";

/**
 * Authentication: a bearer token becomes the request's caller, before anything else reads the
 * request; a missing token means an anonymous caller, a bad one a 401 and no subgraph call. Each
 * subgraph fetch carries the caller in CLAIMS_HEADER, and never a copy from anywhere else.
 */
export function createAuthenticationHooks({ settings, logger }: { settings: AuthenticationSettings; logger: Logger }): FeatureHooks {
  const verify = settings.enabled ? createTokenVerifier(settings, settings.jwks && createKeySet(settings.jwks)) : undefined;
  // Encoded once per request, however many subgraph fetches its plan makes.
  const encoded = new WeakMap<RouterContext, string>();
  // An unreachable key set is the operator's problem, not the client's: warn, at most every 10 s.
  let lastKeysWarning = 0;
  return {
    ...(verify && {
      async context(req: IncomingMessage, context: RouterContext) {
        const header = req.headers.authorization;
        if (header === undefined || header.trim() === "") return;
        try {
          const claims = await verify(bearerToken(header));
          context.tokenClaims = claims;
          context.caller = callerOf(claims);
        } catch (error) {
          if (!(error instanceof TokenRejected)) throw error;
          if (error.status === 503 && Date.now() - lastKeysWarning > 10_000) {
            lastKeysWarning = Date.now();
            logger.warn(
              { requestId: context.requestId, jwks: settings.jwks?.kind === "url" ? settings.jwks.url : undefined },
              "cannot fetch the JWKS to verify tokens",
            );
          } else logger.debug({ requestId: context.requestId, reason: error.reason }, "token rejected");
          throw unauthenticated(error);
        }
      },
    }),
    subgraphCall: (next) => (call) => {
      const { context, headers } = call;
      delete headers[CLAIMS_HEADER];
      const caller = context?.caller;
      if (!caller) return next(call);
      let value = encoded.get(context);
      if (value === undefined) {
        // The one place the router's Caller goes into the claims header.
        value = encodeClaimsHeader(caller);
        encoded.set(context, value);
      }
      headers[CLAIMS_HEADER] = value;
      return next(call);
    },
  };
}

/** The caller a verified token names. */
function callerOf(claims: VerifiedClaims): Caller {
  const clientId = claims.client_id;
  return {
    id: claims.sub,
    scopes: claims.scopes,
    roles: claims.roles,
    ...(claims.username !== undefined && { username: claims.username }),
    ...(typeof clientId === "string" && { clientId }),
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
  if (!unavailable)
    headers.set("www-authenticate", `Bearer error="invalid_token", error_description="${rejected.message.replace(/["\\]/g, "'")}"`);
  return codedError(unavailable ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.UNAUTHENTICATED, rejected.message, {
    reason: rejected.reason,
    http: { status: rejected.status, headers },
  });
}
