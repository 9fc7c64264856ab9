import { GraphQLError } from "graphql";

/**
 * The closed set of platform error codes: those the router and the service kit raise, and those
 * more than one service raises. A service's own codes live with it (subgraphs/<name>/src/errors.ts,
 * made with withDomainCodes). Any other code is an internal error and is masked in production.
 */
export const ErrorCode = {
  BAD_REQUEST: "BAD_REQUEST",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  /** A product id in the input that does not exist (orders and inventory both check). */
  PRODUCT_NOT_FOUND: "PRODUCT_NOT_FOUND",
  /** An idempotency key sent again with a different input (orders' placeOrder, inventory's reserveStock). */
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** A browser preflight from an origin (or asking for a method or header) the router's CORS allowlist does not allow. */
  CORS_REJECTED: "CORS_REJECTED",
  /** A request a browser could send cross-site without a preflight (simple content type, no preflight-forcing header). */
  CSRF_PREVENTED: "CSRF_PREVENTED",
  /** The client spent its rate limit budget (HTTP 429 with Retry-After). */
  RATE_LIMITED: "RATE_LIMITED",
  /** A persisted operation id the router does not know: send the full document (APQ) or use a known id. */
  PERSISTED_QUERY_NOT_FOUND: "PERSISTED_QUERY_NOT_FOUND",
  /** The router runs only the trusted documents of its manifest, and this is not one (HTTP 400). */
  PERSISTED_QUERY_NOT_ALLOWED: "PERSISTED_QUERY_NOT_ALLOWED",
  /** The operation breaks one of the router's operation limits (extensions: limit, actual, maximum). */
  OPERATION_LIMIT_EXCEEDED: "OPERATION_LIMIT_EXCEEDED",
  /** The operation's estimated cost is above the router's maximum (extensions: estimatedCost, maxCost). */
  COST_LIMIT_EXCEEDED: "COST_LIMIT_EXCEEDED",
  /** The document holds several operations and the request names none of them (operationName). */
  OPERATION_NAME_REQUIRED: "OPERATION_NAME_REQUIRED",
  /** The request's operationName names no operation of its document. */
  OPERATION_NOT_FOUND: "OPERATION_NOT_FOUND",
  /** An operation type this server does not serve (subscriptions, or a root type the schema lacks). */
  OPERATION_TYPE_NOT_SUPPORTED: "OPERATION_TYPE_NOT_SUPPORTED",
  /** An APQ request whose sha256Hash is not the hash of the query it carries. */
  PERSISTED_QUERY_HASH_MISMATCH: "PERSISTED_QUERY_HASH_MISMATCH",
  /** The client already has its most operations in flight and queued (HTTP 429 with Retry-After). */
  CONCURRENCY_LIMITED: "CONCURRENCY_LIMITED",
  /** A subgraph answered the router with something that is not a GraphQL response (an HTML error page, say). */
  SUBGRAPH_INVALID_RESPONSE: "SUBGRAPH_INVALID_RESPONSE",
  /** A service called a subgraph for a root field its declared call path (service-calls.ts) does not include (HTTP 403). */
  SERVICE_CALL_NOT_ALLOWED: "SERVICE_CALL_NOT_ALLOWED",
  /** A signed mutation whose nonce the subgraph already saw inside the signature window (HTTP 401). */
  REQUEST_REPLAYED: "REQUEST_REPLAYED",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /** A subscription was refused or ended by its limits (subscriptions per connection or per client). */
  SUBSCRIPTION_LIMIT_EXCEEDED: "SUBSCRIPTION_LIMIT_EXCEEDED",
  /** The token a subscription was opened with expired: the subscription ends (subscribe again with a fresh token). */
  TOKEN_EXPIRED: "TOKEN_EXPIRED",
  /** The subgraph serving a subscription went away; the router resubscribes, or ends the stream when it cannot. */
  SUBSCRIPTION_UPSTREAM_LOST: "SUBSCRIPTION_UPSTREAM_LOST",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An expected failure with a stable code; `details` lands in extensions for clients to act on. */
export type CodedError<Code extends string> = (code: Code, message: string, details?: Record<string, unknown>) => GraphQLError;

/** Errors made here (or relayed from another service that made them): their codes are public wherever they pass. */
const codedErrors = new WeakSet<object>();

function coded(code: string, message: string, details: Record<string, unknown> = {}): GraphQLError {
  const error = new GraphQLError(message, { extensions: { code, ...details } });
  codedErrors.add(error);
  return error;
}

export const codedError: CodedError<ErrorCode> = coded;

/** A service's error codes: the platform's plus its own domain codes, and the codedError that accepts both. */
export function withDomainCodes<const Domain extends Record<string, string>>(domain: Domain) {
  const codes = { ...ErrorCode, ...domain };
  return { ErrorCode: codes, codedError: coded as CodedError<(typeof codes)[keyof typeof codes]> };
}

/** A coded error another service answered with, passed on as it came: it was public there, so it stays public. */
export function relayedCodedError(message: string, extensions: Record<string, unknown> & { code: string }): GraphQLError {
  const error = new GraphQLError(message, { extensions });
  codedErrors.add(error);
  return error;
}

/** True for an error codedError or relayedCodedError made, also once graphql-js has wrapped it with a path. */
export function isCodedError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  return codedErrors.has(error) || codedErrors.has((error as { originalError?: object }).originalError ?? {});
}

export const badUserInput = (message: string, details?: Record<string, unknown>) => codedError(ErrorCode.BAD_USER_INPUT, message, details);
