import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { isDatabaseInputError, isDatabaseUnavailable } from "./database-errors.ts";
import { ErrorCode, isCodedError } from "@store/wire";
import { requestIdOfError } from "./request-observation.ts";

const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  // Apollo Server's own request-level codes are safe to show as they are.
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * A subgraph's error as the router relays it (the router adds `serviceName`): the subgraph's own
 * formatter let only its public codes through, its domain codes among them.
 */
function relayedFromSubgraph(formatted: GraphQLFormattedError, code: string): boolean {
  return (
    typeof formatted.extensions?.serviceName === "string" && code !== ErrorCode.INTERNAL_SERVER_ERROR && code !== "DOWNSTREAM_SERVICE_ERROR"
  );
}

/**
 * Apollo Server's own request errors that carry no code of their own (Apollo reports them as
 * INTERNAL_SERVER_ERROR with HTTP 400): the client's mistakes, each given its stable code.
 */
const APOLLO_REQUEST_ERRORS = new Map<string, ErrorCode>([["provided sha does not match query", ErrorCode.PERSISTED_QUERY_HASH_MISMATCH]]);

/**
 * graphql-js suggests names from the schema in validation and variable coercion errors
 * (`Did you mean "secretMargin"?`): in production they would let a client map a schema with
 * introspection off.
 */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.includes("Did you mean") ? message.replace(SUGGESTION, "") : message;
}

/**
 * Apollo `formatError`: coded errors (platform codes, a service's domain codes) pass; an unreachable database becomes SERVICE_UNAVAILABLE and a
 * value the database cannot store BAD_USER_INPUT; anything else uncoded is logged, and in production
 * replaced by a generic message that carries only the request id an operator can search the log
 * for. In production no message suggests schema names.
 */
export function errorFormatter(logger: Logger, production: boolean) {
  const format = formatter(logger, production);
  if (!production) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    const message = withoutSuggestions(result.message);
    return message === result.message ? result : { ...result, message };
  };
}

function formatter(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === "string" && (PUBLIC_CODES.has(code) || isCodedError(error) || relayedFromSubgraph(formatted, code)))
      return formatted;
    const requestError = APOLLO_REQUEST_ERRORS.get(formatted.message);
    if (requestError) return { message: formatted.message, extensions: { code: requestError } };
    if (isDatabaseInputError(error)) {
      logger.info({ path: formatted.path }, "the database refused a value from the client");
      return {
        message: "A string in the input holds a character that cannot be stored (a NUL byte).",
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    // The database being down is an outage to wait out, not a bug: a coded, retryable error.
    if (isDatabaseUnavailable(error)) {
      logger.warn(
        { path: formatted.path, reason: (error as { originalError?: Error })?.originalError?.message?.split("\n").at(-1) },
        "database unavailable",
      );
      return {
        message: "The service's database is unavailable; try again shortly.",
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      };
    }
    // The observation plugin tagged the error with its request when it met it; the formatter gets no context.
    const requestId = requestIdOfError(error);
    // Explicit, for services that keep no async-local record (an undefined one would hide the mixin's).
    logger.error(
      { err: (error as { originalError?: unknown })?.originalError ?? error, path: formatted.path, ...(requestId && { requestId }) },
      "unexpected error in resolver",
    );
    if (!production) return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.INTERNAL_SERVER_ERROR } };
    // The request id is what an operator searches the log for; the details stay there.
    return {
      message: requestId ? `Internal server error (request ${requestId}).` : "Internal server error",
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
