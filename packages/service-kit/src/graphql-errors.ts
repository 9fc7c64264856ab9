import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { isDatabaseUnavailable } from "./database-errors.ts";
import { ErrorCode } from "./errors.ts";
import { requestIdOfError } from "./request-observation.ts";

const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  // Apollo Server's own request-level codes are safe to show as they are.
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * Apollo `formatError`: coded errors pass; an unreachable database becomes SERVICE_UNAVAILABLE;
 * anything else uncoded is logged, and in production replaced by a generic message that carries only
 * the request id an operator can search the log for.
 */
export function errorFormatter(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === "string" && PUBLIC_CODES.has(code)) return formatted;
    // The database being down is an outage to wait out, not a bug: a coded, retryable error.
    if (isDatabaseUnavailable(error)) {
      logger.warn({ path: formatted.path, reason: (error as { originalError?: Error })?.originalError?.message?.split("\n").at(-1) }, "database unavailable");
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
    logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error, path: formatted.path, ...(requestId && { requestId }) }, "unexpected error in resolver");
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
