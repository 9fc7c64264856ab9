import type { IncomingMessage, ServerResponse } from "node:http";
import type { FormattedExecutionResult } from "graphql";
import { ErrorCode } from "@store/wire";
import type { RouterContext } from "../../context.ts";
import { runOperation, type StreamRuntime, type SubscriptionRequest } from "./run-subscription.ts";

/**
 * The two HTTP streaming transports, on /graphql beside Apollo's own handling:
 * - Server-Sent Events, graphql-sse's "distinct connections" mode: `Accept: text/event-stream`,
 *   one operation per request, `event: next` per result and `event: complete` at the end;
 * - multipart subscriptions as Apollo Client sends them: `Accept: multipart/mixed;subscriptionSpec="1.0"`,
 *   each part `{"payload": result}`, `{}` heartbeats, a transport error as `{"payload": null, "errors": [...]}`.
 * Anything else is left to Apollo Server.
 */
export type HttpStreamKind = "sse" | "multipart";

export function streamKindOf(req: IncomingMessage): HttpStreamKind | undefined {
  if ((req.url ?? "").split("?")[0] !== "/graphql" || (req.method !== "POST" && req.method !== "GET")) return undefined;
  const accept = req.headers.accept ?? "";
  if (accept.includes("text/event-stream")) return "sse";
  if (accept.includes("multipart/mixed") && accept.includes("subscriptionSpec")) return "multipart";
  return undefined;
}

async function readRequest(req: IncomingMessage, maxBytes: number): Promise<SubscriptionRequest> {
  if (req.method === "GET") {
    const params = new URL(req.url ?? "/", "http://router").searchParams;
    const json = (name: string) => (params.get(name) ? JSON.parse(params.get(name)!) : undefined);
    return {
      query: params.get("query") ?? "",
      variables: json("variables"),
      operationName: params.get("operationName"),
      extensions: json("extensions"),
    };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new RequestError(413, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as SubscriptionRequest;
  if (!body || typeof body.query !== "string")
    throw new RequestError(400, ErrorCode.BAD_REQUEST, "The body must be a JSON object with a query string.");
  return body;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const BOUNDARY = "graphql";

export interface HttpStreamsDeps extends StreamRuntime {
  createContext(req: IncomingMessage): Promise<RouterContext>;
  maxBodyBytes: number;
  claimClientSlot(context: RouterContext): (() => void) | undefined;
}

/** Serves one streaming request; the returned promise settles once the response is under way. */
export async function serveHttpStream(deps: HttpStreamsDeps, kind: HttpStreamKind, req: IncomingMessage, res: ServerResponse) {
  const json = (status: number, result: FormattedExecutionResult) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(result));
  };
  let request: SubscriptionRequest;
  let context: RouterContext;
  try {
    request = await readRequest(req, deps.maxBodyBytes);
    context = await deps.createContext(req);
  } catch (error) {
    if (error instanceof RequestError)
      return json(error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
    if (error instanceof SyntaxError)
      return json(400, { errors: [{ message: "The request is not valid JSON.", extensions: { code: ErrorCode.BAD_REQUEST } }] });
    const coded = error as { message: string; extensions?: { code?: string; http?: { status?: number } } };
    return json(coded.extensions?.http?.status ?? 401, {
      errors: [{ message: coded.message, extensions: { code: coded.extensions?.code } }],
    });
  }
  const release = deps.claimClientSlot(context);
  if (!release)
    return json(429, {
      errors: [
        {
          message: `This client already holds ${deps.config.maxPerClient} subscriptions.`,
          extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED },
        },
      ],
    });

  let heartbeat: NodeJS.Timeout | undefined;
  // Set once the upstream subscription runs; the close handler may fire before.
  const upstream: { stop?: () => void } = {};
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    release();
    if (res.writableEnded) return;
    if (kind === "sse") res.end("event: complete\ndata:\n\n");
    else res.end(`\r\n--${BOUNDARY}--\r\n`);
  };
  const open = () => {
    if (res.headersSent) return;
    if (kind === "sse") {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
      res.write(": stream open\n\n");
    } else {
      res.writeHead(200, { "content-type": `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`, "cache-control": "no-cache" });
      res.write(`\r\n--${BOUNDARY}`);
    }
    heartbeat = setInterval(() => {
      if (kind === "sse") res.write(": heartbeat\n\n");
      else res.write(`\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{}\r\n--${BOUNDARY}`);
    }, deps.config.heartbeatMs);
  };
  const write = (result: FormattedExecutionResult) => {
    open();
    if (kind === "sse") res.write(`event: next\ndata: ${JSON.stringify(result)}\n\n`);
    else res.write(`\r\nContent-Type: application/json; charset=utf-8\r\n\r\n${JSON.stringify({ payload: result })}\r\n--${BOUNDARY}`);
  };
  // The client going away frees the subscription.
  res.once("close", () => {
    upstream.stop?.();
    end();
  });
  const outcome = await runOperation(deps, kind, context, request, { next: write, end });
  if (outcome.kind === "single") {
    release();
    ended = true;
    if (kind === "multipart" || outcome.result.errors?.length) return json(outcome.status, outcome.result);
    open();
    write(outcome.result);
    clearInterval(heartbeat);
    res.end("event: complete\ndata:\n\n");
    return;
  }
  upstream.stop = outcome.stop;
  if (res.destroyed) outcome.stop();
  else open();
  return {
    /** Ends the stream at shutdown: the client sees it complete and reconnects elsewhere. */
    drain: () => {
      outcome.stop();
      end();
    },
  };
}
