import { z } from "zod";

/**
 * Subscriptions through the router: graphql-ws (graphql-transport-ws) on /graphql, Server-Sent
 * Events (graphql-sse distinct connections) and multipart HTTP (Apollo Client's
 * `multipart/mixed;subscriptionSpec="1.0"`). Env bindings in feature.ts.
 */
export const subscriptionsConfigSchema = z
  .object({
    /** Serve subscriptions. Off: no upgrade listener, no request hook; subscriptions get OPERATION_TYPE_NOT_SUPPORTED. Default true. */
    enabled: z.boolean().default(true),
    /** Subscriptions one WebSocket connection may hold at once; more get SUBSCRIPTION_LIMIT_EXCEEDED. Default 100. */
    maxPerConnection: z.number().int().min(1).max(100_000).default(100),
    /** Subscriptions one client identity (the token's user, else the client address) may hold on this router. Default 1000. */
    maxPerClient: z.number().int().min(1).max(1_000_000).default(1000),
    /** Milliseconds a WebSocket client has to send connection_init before it is closed with 4408. Default 3000. */
    connectionInitTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
    /** Milliseconds between the server's pings on idle WebSockets (0: none). Default 12000. */
    keepAliveMs: z.number().int().min(0).max(300_000).default(12_000),
    /** Largest WebSocket message accepted, in bytes; a larger one closes the socket with 1009. Default 65536. */
    maxMessageBytes: z.number().int().min(1024).max(10_000_000).default(65_536),
    /** Milliseconds between multipart heartbeats (`{}` parts) and SSE comments on quiet streams. Default 5000. */
    heartbeatMs: z.number().int().min(100).max(120_000).default(5000),
    /** Times the router resubscribes to a subgraph that went away before it ends the client's stream. Default 5. */
    upstreamRetryAttempts: z.number().int().min(0).max(100).default(5),
    /** Milliseconds before the first resubscribe; doubled each further attempt, at most 10 s. Default 500. */
    upstreamRetryDelayMs: z.number().int().min(10).max(60_000).default(500),
  })
  .strict()
  .prefault({});

export type SubscriptionsConfig = z.output<typeof subscriptionsConfigSchema>;
