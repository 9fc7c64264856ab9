import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from "@apollo/server";
import type { Logger } from "pino";
import { drainOnClose } from "./graceful-close.ts";
import type { ServiceMetrics } from "./metrics.ts";
import { bindRecordToContext, observeRequest, type RequestRecord } from "./request-observation.ts";
import { releaseSentResponses } from "./response-release.ts";
import { ErrorCode, REFUSED_MESSAGE, type Verification } from "@store/wire";

/**
 * The HTTP door every service shares: /graphql through Apollo Server's HTTP API, health routes and
 * /metrics. Plain node:http keeps the hot path short and gives full control of error responses.
 */

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

/** The HTTP exchange a GraphQL context is built for. */
export interface GraphQLExchange {
  res: ServerResponse;
  /** Operations the request holds: a batch's length, else 1. */
  operations: number;
}

/**
 * What the API port serves besides /graphql. full: /health, /health/live, /health/ready with every
 * check, and /metrics. probes: liveness and readiness with the status only, no check names and no
 * /metrics (production's public port; the details are on an admin listener, createAdminHandler).
 */
export type OperationalRoutes = "full" | "probes";

export interface GraphQLHttpOptions<Ctx extends BaseContext> {
  apollo: ApolloServer<Ctx>;
  /** `callingService`: who signed the request, when verifyRequest is set. */
  context: (req: IncomingMessage, requestId: string, callingService: string | undefined, exchange: GraphQLExchange) => Promise<Ctx>;
  logger: Logger;
  maxBodyBytes: number;
  readiness: () => Promise<Readiness>;
  metrics?: ServiceMetrics;
  /** Default full. */
  operationalRoutes?: OperationalRoutes;
  /** Level of the one line logged per GraphQL request (default info). */
  requestLogLevel?: "info" | "debug";
  /**
   * Runs before a /graphql request's body is read; returns true when it answered the request itself
   * (a CORS preflight, a rejected token), so nothing else runs.
   */
  beforeGraphQL?: (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<boolean> | boolean;
  /**
   * Checks the request's signature over its exact body, once read and before anything parses it
   * (subgraphs only answer the router and trusted services). A failure answers 401 UNAUTHENTICATED.
   */
  verifyRequest?: (headers: IncomingMessage["headers"], rawBody: string) => Verification;
  /**
   * Most operations a batch (a JSON array body) may hold; a longer one is rejected with 400
   * OPERATION_LIMIT_EXCEEDED before any of its operations runs. Whether batches are accepted at all
   * is Apollo Server's allowBatchedHttpRequests.
   */
  maxBatchedOperations?: number;
  /**
   * Keep each request's record in async-local storage (default true), so any log line written
   * while serving it carries the request id. The router turns it off for speed and logs request
   * ids explicitly (see ObservationOptions.asyncContext).
   */
  asyncContext?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.end(payload);
}

/**
 * The routes every service answers besides its API: /health/live, /health/ready (and /health), and
 * /metrics. Returns the route's name for metrics, or null when the path is not one of them.
 */
export async function serveOperationalRoute(
  pathname: string,
  res: ServerResponse,
  {
    readiness,
    metrics,
    details = true,
  }: {
    readiness: () => Promise<Readiness>;
    metrics?: { registry: { contentType: string; metrics(): Promise<string> } };
    /** false: readiness answers its status only (no check names: they name subgraphs and breaker states). */
    details?: boolean;
  },
): Promise<string | null> {
  switch (pathname) {
    case "/health":
    case "/health/ready": {
      const report = await readiness().catch((error: Error) => ({ ready: false, checks: { error: error.message } }));
      const status = report.ready ? "ready" : "unavailable";
      sendJson(res, report.ready ? 200 : 503, details ? { status, checks: report.checks } : { status });
      return "health";
    }
    case "/health/live":
      sendJson(res, 200, { status: "live" });
      return "health";
    case "/metrics":
      if (!metrics || !details) return null;
      res.setHeader("content-type", metrics.registry.contentType);
      res.end(await metrics.registry.metrics());
      return "metrics";
    default:
      return null;
  }
}

function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string, details: Record<string, unknown> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...details } }] });
}

async function writeGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    // Encoded once, with its length: Node then writes head and body together, rather than measuring
    // the string, joining it to the head and encoding it again on the way out.
    const bytes = Buffer.from(response.body.string);
    res.setHeader("content-length", bytes.length);
    res.end(bytes);
  } else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

/**
 * Resolves in the event loop's check phase, once the I/O already waiting in this turn has been handled.
 * A new operation starts there, after the subgraph answers of operations already in flight: under
 * load, work in flight finishes before new work piles on, which keeps fewer results alive at once and
 * evens out latency (workload 1, router alone, three alternating runs, in both orders: +5 to +6%
 * req/s, p99 −3 to −11%). A new request waits one turn at most, so slow subgraphs starve nothing.
 */
function afterPendingIO(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body exceeds ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, ErrorCode.PAYLOAD_TOO_LARGE, `Request body exceeds ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (!contentType || !/json/i.test(contentType)) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, ErrorCode.BAD_REQUEST, "The request body is not valid JSON.");
  }
}

/**
 * A batch is answered all or nothing when it is malformed: Apollo Server runs its operations side by
 * side and one malformed entry fails the whole response while the others still run. So the batch's
 * size and each entry's shape are checked before any of them starts.
 */
function checkBatch(body: unknown[], max: number): void {
  if (body.length > max) {
    throw new HttpError(
      400,
      ErrorCode.OPERATION_LIMIT_EXCEEDED,
      `The request batches ${body.length} operations, above the maximum of ${max}.`,
      {
        limit: "batchedOperations",
        actual: body.length,
        maximum: max,
      },
    );
  }
  const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
  body.forEach((entry, index) => {
    const e = entry as Record<string, unknown>;
    const malformed =
      !isObject(entry) ||
      (e.query !== undefined && typeof e.query !== "string") ||
      (e.operationName !== undefined && e.operationName !== null && typeof e.operationName !== "string") ||
      (e.variables !== undefined && e.variables !== null && !isObject(e.variables)) ||
      (e.extensions !== undefined && e.extensions !== null && !isObject(e.extensions));
    if (malformed)
      throw new HttpError(
        400,
        ErrorCode.BAD_REQUEST,
        `Batched operation ${index} is not a GraphQL request object (query, operationName, variables, extensions).`,
      );
  });
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/**
 * Apollo Server's `stringifyResult` for every service: plain JSON. The default appends a newline,
 * which makes every response body a joined string that must be flattened (copied) before it is sent.
 */
export const stringifyResult = (result: unknown): string => JSON.stringify(result);

export function createHttpHandler<Ctx extends BaseContext>(options: GraphQLHttpOptions<Ctx>): RequestListener {
  const { apollo, logger, metrics } = options;

  async function serveGraphQL(req: IncomingMessage, res: ServerResponse, record: RequestRecord, search: string) {
    const { requestId } = record;
    if (options.beforeGraphQL && (await options.beforeGraphQL(req, res, requestId))) return;
    await afterPendingIO();
    const raw = req.method === "POST" ? await readBody(req, options.maxBodyBytes) : "";
    let callingService: string | undefined;
    if (options.verifyRequest) {
      // Only POST: a GET's operation sits in the URL, which the signature does not cover.
      const verdict: Verification =
        req.method === "POST"
          ? options.verifyRequest(req.headers, raw)
          : { ok: false, reason: "This subgraph only answers signed POST requests." };
      if (!verdict.ok) {
        // The details stay in the log: they could tell an outsider which callers exist or what the clock says.
        logger.warn(
          { reason: verdict.reason, caller: req.headers["x-supergraph-caller"], remoteAddress: req.socket.remoteAddress },
          "refused a request that is not properly signed",
        );
        throw new HttpError(401, ErrorCode.UNAUTHENTICATED, REFUSED_MESSAGE);
      }
      callingService = verdict.caller;
      record.caller = callingService;
      record.nonce = verdict.nonce;
    }
    const body = req.method === "POST" ? parseBody(raw, req.headers["content-type"]) : undefined;
    if (options.maxBatchedOperations !== undefined && Array.isArray(body)) checkBatch(body, options.maxBatchedOperations);
    try {
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers: toHeaderMap(req), search, body },
        context: async () => {
          const contextValue = await options.context(req, requestId, callingService, {
            res,
            operations: Array.isArray(body) ? body.length : 1,
          });
          // So the observation plugin finds the record without async-local storage.
          bindRecordToContext(contextValue, record);
          return contextValue;
        },
      });
      await writeGraphQLResponse(res, response);
    } finally {
      // Written or failed, nothing reads Apollo's response objects any more (response-release.ts).
      releaseSentResponses(record);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, record: RequestRecord): Promise<string> {
    const url = req.url ?? "/";
    const queryStart = url.indexOf("?");
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const search = queryStart === -1 ? "" : url.slice(queryStart);
    if (pathname === "/graphql") {
      await serveGraphQL(req, res, record, search);
      return "graphql";
    }
    const operational = await serveOperationalRoute(pathname, res, {
      readiness: options.readiness,
      metrics,
      details: options.operationalRoutes !== "probes",
    });
    if (operational) return operational;
    sendJson(res, 404, { errors: [{ message: `No route for ${pathname}`, extensions: { code: "NOT_FOUND" } }] });
    return "unknown";
  }

  // The same for every request: built once, not per request.
  const observation = {
    logger,
    metrics,
    requestLogLevel: options.requestLogLevel ?? "info",
    asyncContext: options.asyncContext ?? true,
  } as const;

  return (req, res) => {
    const incomingId = req.headers["x-request-id"];
    const requestId = typeof incomingId === "string" && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    res.setHeader("x-request-id", requestId);
    const url = req.url ?? "/";
    const pathname = url.includes("?") ? url.slice(0, url.indexOf("?")) : url;
    // observeRequest counts, logs and traces the request once it is answered.
    void observeRequest(req, res, requestId, pathname, observation, async (record) => {
      try {
        return await route(req, res, record);
      } catch (error) {
        if (error instanceof HttpError) {
          record.errorCodes.push(error.code);
          if (!res.headersSent) sendGraphQLError(res, error.status, error.code, error.message, error.details);
          return "graphql";
        }
        record.errorCodes.push(ErrorCode.INTERNAL_SERVER_ERROR);
        logger.error({ err: error, requestId }, "request failed");
        if (!res.headersSent) sendGraphQLError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, `Internal server error (request ${requestId}).`);
        else res.destroy();
        return "graphql";
      }
    });
  };
}

/**
 * The admin listener's routes: /metrics and health with every check, for operators and Prometheus
 * on a port the public does not reach. Anything else is 404.
 */
export function createAdminHandler({
  readiness,
  metrics,
}: {
  readiness: () => Promise<Readiness>;
  metrics?: ServiceMetrics;
}): RequestListener {
  return (req, res) => {
    const url = req.url ?? "/";
    const pathname = url.includes("?") ? url.slice(0, url.indexOf("?")) : url;
    serveOperationalRoute(pathname, res, { readiness, metrics })
      .then((served) => {
        if (!served) sendJson(res, 404, { errors: [{ message: `No route for ${pathname}`, extensions: { code: "NOT_FOUND" } }] });
      })
      .catch(() => {
        if (!res.headersSent)
          sendJson(res, 500, { errors: [{ message: "Internal server error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
        else res.destroy();
      });
  };
}

/**
 * Limits of the HTTP server on slow or idle clients. A client that has not sent its headers within
 * headersTimeoutMs, or its whole request within requestTimeoutMs, is answered 408 and cut off; idle
 * keep-alive sockets close after keepAliveTimeoutMs; connections past maxConnections are refused.
 */
export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Longer than the clients' idle timeout (load balancers: 60 s), so a pooled connection is never closed under a request.
  keepAliveTimeoutMs: 65_000,
  maxConnections: 10_000,
};

export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), drains keep-alive sockets (graceful-close.ts), then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

export async function listen(
  handler: RequestListener,
  port: number,
  host: string,
  limits: Partial<ConnectionLimits> = {},
): Promise<RunningServer> {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
  const server = http.createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node looks for overdue headers and requests this often (30 s by default, which would let a
    // slow client hold its socket for up to 30 s past headersTimeout).
    connectionsCheckingInterval: Math.max(
      10,
      Math.min(30_000, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs || headersTimeoutMs) / 2)),
    ),
  });
  server.maxConnections = maxConnections;
  const drain = drainOnClose(server, handler);
  server.on("request", drain.handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const displayHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return {
    url: `http://${displayHost}:${actualPort}`,
    port: actualPort,
    server,
    close: (graceMs = 10_000) => drain.close(graceMs),
  };
}
