import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, parse, type DocumentNode, type ExecutionArgs, type FormattedExecutionResult } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { ErrorCode } from "@store/wire";
import type { RouterContext } from "../../context.ts";
import { PushStream } from "./push-stream.ts";
import { runOperation, type StreamRuntime } from "./run-subscription.ts";

export interface WebSocketDeps extends StreamRuntime {
  server: Server;
  /** The router's per-request context (authentication and the other context hooks) for these headers. */
  createContext(req: IncomingMessage): Promise<RouterContext>;
  /** Counts a client's open subscriptions across its connections; false: over its cap. */
  claimClientSlot(context: RouterContext): (() => void) | undefined;
}

interface ConnectionState {
  req: IncomingMessage;
  /** The connection's own auth, from connection_init (Authorization), applied to each of its subscriptions. */
  authorization?: string;
  open: number;
}

/** connection_init payloads name the token as browsers' graphql-ws clients send it: Authorization, authorization or headers.Authorization. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  const headers = (params.headers ?? {}) as Record<string, unknown>;
  const value = params.Authorization ?? params.authorization ?? headers.Authorization ?? headers.authorization;
  return typeof value === "string" ? value : undefined;
}

/** A request object carrying the connection's token where the authentication hook reads it. */
function withAuthorization(req: IncomingMessage, authorization: string | undefined): IncomingMessage {
  const view = Object.create(req) as IncomingMessage;
  const headers = { ...req.headers };
  delete headers.authorization;
  if (authorization) headers.authorization = authorization;
  Object.defineProperty(view, "headers", { value: headers });
  return view;
}

/** graphql-ws serializes each error of a result with its toJSON(): these are already formatted for the client. */
function withJsonErrors(result: FormattedExecutionResult): FormattedExecutionResult {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((error) => ({ ...error, toJSON: () => error })) };
}

const limitError = (message: string) => [new GraphQLError(message, { extensions: { code: ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED } })];

/**
 * GraphQL over WebSocket (graphql-transport-ws) on /graphql, through graphql-ws's server on `ws`.
 * The protocol's close codes come from graphql-ws: 4400 bad message, 4401 subscribe before init,
 * 4403 forbidden (a token in connection_init that does not verify), 4408 no init in time, 4409
 * duplicate id, 4429 a second init; ws closes an oversize message with 1009 and shutdown with 1001.
 */
export function serveWebSockets(deps: WebSocketDeps) {
  const { server, config, logger } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? "").split("?")[0] !== "/graphql") return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  server.on("upgrade", onUpgrade);

  const disposable = useServer<Record<string, unknown> | undefined, { request: IncomingMessage; state?: ConnectionState }>(
    {
      connectionInitWaitTimeout: config.connectionInitTimeoutMs,
      async onConnect(ctx) {
        const authorization = authorizationOf(ctx.connectionParams);
        try {
          // The token is checked once here, so a bad one closes the socket at init (4403); each subscribe checks it again.
          await deps.createContext(withAuthorization(ctx.extra.request, authorization));
        } catch {
          return false;
        }
        ctx.extra.state = { req: ctx.extra.request, authorization, open: 0 };
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const state = ctx.extra.state!;
        if (state.open >= config.maxPerConnection)
          return limitError(`This connection already holds ${config.maxPerConnection} subscriptions, the most one connection may.`);
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        let context: RouterContext;
        try {
          context = await deps.createContext(withAuthorization(state.req, state.authorization));
        } catch (error) {
          return [error as GraphQLError];
        }
        const release = deps.claimClientSlot(context);
        if (!release) return limitError(`This client already holds ${config.maxPerClient} subscriptions, the most one client may.`);
        state.open++;
        let released = false;
        const free = () => {
          if (released) return;
          released = true;
          state.open--;
          release();
        };
        let stop: (() => void) | undefined;
        const stream = new PushStream<unknown>(() => {
          stop?.();
          free();
        });
        const outcome = await runOperation(deps, "websocket", context, payload, {
          next: (result) => stream.push(withJsonErrors(result)),
          end: () => {
            stream.end();
            free();
          },
        });
        if (outcome.kind === "single") {
          free();
          const { result } = outcome;
          if (!result.data && result.errors?.length)
            return result.errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions }));
          stream.push(withJsonErrors(result));
          stream.end();
        } else stop = outcome.stop;
        return { schema: undefined as never, document, contextValue: stream } satisfies Partial<ExecutionArgs> as ExecutionArgs;
      },
      execute: (args) => args.contextValue as never,
      subscribe: (args) => args.contextValue as never,
    },
    wss,
    config.keepAliveMs || undefined,
  );
  logger.debug("subscriptions: graphql-transport-ws on /graphql");
  return {
    connections: () => wss.clients.size,
    /** Closes every socket with 1001 (going away): clients reconnect to another replica. */
    async close() {
      server.off("upgrade", onUpgrade);
      for (const client of wss.clients) client.close(1001, "Going away");
      await disposable.dispose();
    },
  };
}
