import type { IncomingHttpHeaders, Server } from "node:http";
import { GraphQLError, parse, validate, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Logger } from "pino";
import { ErrorCode, REFUSED_MESSAGE, type Caller, type RequestVerifier } from "@store/wire";

/**
 * A subgraph's subscriptions over graphql-ws (graphql-transport-ws) on its /graphql path, for the
 * router only. The router multiplexes many clients' subscriptions over one socket, so who calls is
 * proven twice, with the same HMAC scheme as HTTP requests: connection_init carries headers signed
 * over SUBSCRIPTION_CONNECT_BODY (unsigned sockets are closed with 4403), and every subscribe
 * message carries its exact body and the headers signed over it, claims header included (a refused
 * one gets the protocol's error message).
 */
export const SUBSCRIPTION_CONNECT_BODY = "graphql-transport-ws connection_init";

/** What the router puts in a subscribe message's `extensions`. */
export interface SignedSubscribe {
  /** JSON of { query, variables, operationName }: the request as HTTP would send it. */
  body: string;
  /** The signing and claims headers, as an HTTP request would carry them. */
  headers: Record<string, string>;
}

export interface SubgraphSubscriptionsOptions<Ctx> {
  server: Server;
  schema: GraphQLSchema;
  logger: Logger;
  /** Set when signing is required: every connection and subscribe must verify. */
  verify?: RequestVerifier;
  /** The user a subscribe acts for, from its (signed) claims header; throws when the claims are not the router's. */
  callerOf(headers: IncomingHttpHeaders): Caller | null;
  /** The subscription's context, built once per subscribe message. */
  createContext(headers: IncomingHttpHeaders, caller: Caller | null, requestId: string): Ctx;
  maxPayloadBytes: number;
}

const refused = (message: string, code: ErrorCode) => [new GraphQLError(message, { extensions: { code } })];

export function serveSubgraphSubscriptions<Ctx>(options: SubgraphSubscriptionsOptions<Ctx>) {
  const { server, schema, logger, verify } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const onUpgrade = (req: import("node:http").IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) => {
    if ((req.url ?? "").split("?")[0] !== "/graphql") return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  server.on("upgrade", onUpgrade);
  const disposable = useServer(
    {
      schema,
      onConnect(ctx) {
        if (!verify) return true;
        const headers = (ctx.connectionParams?.headers ?? {}) as Record<string, string>;
        const verdict = verify(headers, SUBSCRIPTION_CONNECT_BODY);
        if (!verdict.ok) logger.warn({ reason: verdict.reason }, "refused a subscription connection that the router did not sign");
        return verdict.ok;
      },
      onSubscribe(_ctx, id, payload) {
        const signed = payload.extensions?.signed as SignedSubscribe | undefined;
        const headers: Record<string, string> = { ...(signed?.headers ?? {}) };
        if (verify) {
          const verdict = signed && typeof signed.body === "string" ? verify(headers, signed.body) : undefined;
          if (!verdict?.ok) {
            logger.warn({ reason: verdict?.reason ?? "no signed body" }, "refused a subscription the router did not sign");
            return refused(REFUSED_MESSAGE, ErrorCode.FORBIDDEN);
          }
        }
        let request: { query: string; variables?: Record<string, unknown>; operationName?: string };
        try {
          request = signed
            ? JSON.parse(signed.body)
            : { query: payload.query, variables: payload.variables ?? undefined, operationName: payload.operationName ?? undefined };
        } catch {
          return refused("The subscription body is not JSON.", ErrorCode.BAD_REQUEST);
        }
        let document;
        try {
          document = parse(request.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document);
        if (errors.length) return errors;
        let caller: Caller | null;
        try {
          caller = options.callerOf(headers);
        } catch (error) {
          return [error as GraphQLError];
        }
        const requestId = headers["x-request-id"] ?? `sub-${id}`;
        return {
          schema,
          document,
          variableValues: request.variables,
          operationName: request.operationName,
          contextValue: options.createContext(headers, caller, requestId),
        };
      },
    },
    wss,
  );
  return {
    /** Open sockets (the router's connections). */
    connections: () => wss.clients.size,
    /** Closes every socket with 1001 (going away) and stops accepting. */
    async close() {
      server.off("upgrade", onUpgrade);
      await disposable.dispose();
    },
  };
}
