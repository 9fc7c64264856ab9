import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { ParseOptions } from "graphql";
import type { GraphQLExchange } from "@store/service-kit";
import type { Claims, RouterContext } from "../context.ts";

/**
 * One part of the router's policy plane (authentication, limits, rate limits, ...). Each part hooks
 * the request where it must act; unused hooks are left out so they cost nothing per request.
 */
export interface PolicyStage {
  name: string;
  /**
   * Runs on every /graphql request before Apollo Server reads it. Answering the request (a CORS
   * preflight, a 401) returns true and ends it there, before any subgraph is called.
   */
  http?(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<boolean> | boolean;
  /**
   * Fills in the per-request context: claims from the token, client identity. May throw a GraphQLError
   * with an HTTP status. `exchange`: the response (to act when it is finished) and the request's operation count.
   */
  context?(req: IncomingMessage, context: RouterContext, exchange?: GraphQLExchange): Promise<void> | void;
  /**
   * Sees each supergraph SDL before the gateway loads it (at start and on every registry swap) and
   * returns the SDL to load. Throwing refuses that supergraph: the router does not start, or keeps
   * serving the last good one.
   */
  supergraph?(sdl: string): string;
  /** Options for graphql-js's parser, merged over all stages (limits: maxTokens, enforced while parsing). */
  parseOptions?: ParseOptions;
  /** Apollo Server plugins: checks that need the parsed operation (limits, cost, persisted operations, rate limits). */
  plugins?: ApolloServerPlugin<RouterContext>[];
  /**
   * Runs for each subgraph fetch after its body is serialized, before it is sent: set or drop
   * headers (claims, request signatures, propagated client headers). `body` is exactly what is sent.
   */
  subgraphRequest?(call: SubgraphRequestCall): void;
  /** Sees each subgraph response's headers (header rules that pass some back to the client). */
  subgraphResponse?(call: { subgraph: string; context: RouterContext; headers: Headers | Map<string, string> }): void;
  /** Releases what the stage holds (a Redis connection) when the router stops. */
  close?(): Promise<void>;
}

export interface SubgraphRequestCall {
  subgraph: string;
  context: RouterContext | undefined;
  /** Mutable: what is set here is sent. Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export type { Claims };
