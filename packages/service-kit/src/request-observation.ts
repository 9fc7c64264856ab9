import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Span } from "@opentelemetry/api";
import type { Logger } from "pino";
import type { ServiceMetrics } from "./metrics.ts";
import type { OperationResponse } from "./response-release.ts";
import { tracer, tracingEnabled } from "./tracing.ts";

/**
 * What one HTTP request did, filled in as it runs (the GraphQL plugin adds the operation and the
 * outcome) and reported once at its end: a metric sample, one log line, the server span's attributes.
 * It lives in async-local storage, so every log line written while serving the request carries its id.
 */
export interface RequestRecord {
  requestId: string;
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** Set once Apollo Server took the request as a GraphQL operation (the landing page is not one). */
  graphql: boolean;
  /** The operation's name, "anonymous" when it has none; unset when it was never parsed. */
  operationName?: string;
  operationType?: string;
  /** extensions.code of every error in the response, in order. */
  errorCodes: string[];
  /** Whether the response carried data (a partial result) next to its errors. */
  hasData: boolean;
  /** Who signed the request (router, orders...), on subgraphs that verify signatures. */
  caller?: string;
  /** The signed request's nonce (request-signing.ts), for the replay check of mutations. */
  nonce?: string;
  /** Apollo's responses to this request, emptied once written (response-release.ts). */
  sentResponses: OperationResponse[] | undefined;
}

export type Outcome = "ok" | "partial" | "error";

const records = new AsyncLocalStorage<RequestRecord>();

/** The record of the request being served, when the service keeps it in async-local storage. */
export function currentRequest(): RequestRecord | undefined {
  return records.getStore();
}

/**
 * Where a request's Apollo context holds its record: the HTTP door binds it to every context, with or
 * without async-local storage, so plugins find it the same way in both. A symbol property rather
 * than a WeakMap by context: Apollo Server hands plugins a shallow copy of the context
 * (Object.assign copies symbol properties too), not the object the service built.
 */
const RECORD = Symbol("requestRecord");

export function bindRecordToContext(contextValue: object, record: RequestRecord): void {
  Object.defineProperty(contextValue, RECORD, { value: record, enumerable: true, configurable: true, writable: true });
}

/** The request's record, from its Apollo context object (none for an operation run outside the HTTP door). */
export function requestRecordOf(contextValue: unknown): RequestRecord | undefined {
  return typeof contextValue === "object" && contextValue !== null ? (contextValue as { [RECORD]?: RequestRecord })[RECORD] : undefined;
}

/** Request ids by error object, for the error formatter, which gets no context (set when errors are met). */
const requestIdsByError = new WeakMap<object, string>();

export function tagErrorWithRequest(error: unknown, requestId: string): void {
  if (typeof error === "object" && error !== null) requestIdsByError.set(error, requestId);
}

export function requestIdOfError(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? requestIdsByError.get(error) : undefined;
}

export function outcomeOf(record: Pick<RequestRecord, "errorCodes" | "hasData">): Outcome {
  if (record.errorCodes.length === 0) return "ok";
  return record.hasData ? "partial" : "error";
}

export interface ObservationOptions {
  logger: Logger;
  metrics?: ServiceMetrics;
  /** Level of the one line logged per GraphQL request. */
  requestLogLevel: "info" | "debug";
  /**
   * Keep the record in async-local storage, so every log line written while serving the request
   * carries its id. On Node 20 that turns on promise hooks for every promise of the process, a
   * cost the router (hundreds of promises per request) avoids: it passes request ids explicitly.
   */
  asyncContext: boolean;
}

/**
 * Runs `serve` (which answers the request and returns its route name) inside the request's record
 * and, when tracing is on, a server span continuing the caller's W3C trace context. Never rejects.
 */
export async function observeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  pathname: string,
  options: ObservationOptions,
  serve: (record: RequestRecord) => Promise<string>,
): Promise<void> {
  const record: RequestRecord = {
    requestId,
    startedAt: performance.now(),
    graphql: false,
    errorCodes: [],
    hasData: false,
    sentResponses: undefined,
  };
  const method = req.method ?? "GET";
  const run = async (span?: Span) => {
    let route = "unknown";
    try {
      route = await serve(record);
    } finally {
      try {
        report(record, route, method, pathname, res.statusCode, options, span);
      } catch (error) {
        options.logger.error({ err: error }, "could not report a request");
      }
    }
  };
  // Health probes and metric scrapes stay out of traces: they would bury the requests that matter.
  const traced = tracingEnabled() && pathname === "/graphql";
  const serveTraced = () => {
    if (!traced) return run();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `${method} ${pathname}`,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "url.path": pathname, "http.route": pathname } },
      parent,
    );
    return context.with(trace.setSpan(parent, span), () => run(span));
  };
  try {
    await (options.asyncContext ? records.run(record, serveTraced) : serveTraced());
  } catch (error) {
    // `serve` answers its own errors; anything reaching here is a bug, and must not end the process.
    options.logger.error({ err: error, requestId }, "request handling failed");
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  }
}

function report(
  record: RequestRecord,
  route: string,
  method: string,
  pathname: string,
  status: number,
  options: ObservationOptions,
  span?: Span,
): void {
  const seconds = (performance.now() - record.startedAt) / 1000;
  const durationMs = +(seconds * 1000).toFixed(2);
  const { metrics, logger } = options;
  metrics?.httpRequests.inc({ route, status: String(status) });
  if (!(route === "graphql" && (record.graphql || record.errorCodes.length > 0))) {
    logger.debug({ requestId: record.requestId, method, path: pathname, status, durationMs }, "request");
    span?.setAttribute("http.response.status_code", status);
    span?.end();
    return;
  }
  const outcome = outcomeOf(record);
  const operationName = record.operationName ?? "unknown";
  if (metrics) {
    const labels = { operation: metrics.operationLabel(operationName), outcome };
    metrics.graphqlRequests.inc(labels);
    metrics.graphqlRequestDuration.observe(labels, seconds);
    for (const code of record.errorCodes) metrics.graphqlErrors.inc({ code: metrics.errorCodeLabel(code) });
  }
  logger[options.requestLogLevel](
    {
      requestId: record.requestId,
      operation: operationName,
      operationType: record.operationType,
      ...(record.caller && { caller: record.caller }),
      outcome,
      ...(record.errorCodes.length > 0 && { errorCodes: [...new Set(record.errorCodes)] }),
      status,
      durationMs,
    },
    "graphql request",
  );
  if (span) {
    span.setAttribute("http.response.status_code", status);
    span.setAttribute("graphql.outcome", outcome);
    if (record.operationName) span.setAttribute("graphql.operation.name", record.operationName);
    if (record.operationType) span.setAttribute("graphql.operation.type", record.operationType);
    if (status >= 500 || outcome === "error")
      span.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(record.errorCodes)].join(",") });
    span.end();
  }
}
