import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerOptions, ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError, ParseOptions } from "graphql";
import type { z } from "zod";
import type { GraphQLExchange, Logger } from "@store/service-kit";
import type { CoreConfig } from "../config.ts";
import type { RouterContext } from "../context.ts";
import type { RouterMetrics } from "../metrics.ts";
import type { SubgraphCallWrapper } from "../subgraph-call/call.ts";

/**
 * The one shape every router feature has (features/<name>/feature.ts): its config section with the
 * env variables bound to its fields, what it must run after or before, and its hooks.
 */

/** An env variable bound to a field of the section: `path` inside the section, `coerce` from the raw string. */
export interface EnvBinding {
  path: string;
  coerce?: (raw: string) => unknown;
}

/** Env variables by name, each bound to one field. */
export type EnvBindings = Readonly<Record<string, EnvBinding>>;

export interface ResolveInput {
  env: NodeJS.ProcessEnv;
  /** Base folder for relative paths. */
  cwd: string;
  production: boolean;
}

/** A section completed with what it needs from outside the config (secrets, files, the mode), and what was wrong. */
export interface Resolved<Settings> {
  settings: Settings;
  problems: string[];
}

export interface FeatureDeps {
  /** The router's own sections (server, subgraphs, ...). */
  config: CoreConfig;
  /** Another feature's settings (client concurrency tells clients apart as rate limits do). */
  settingsOf<Settings>(feature: RouterFeature<string, z.ZodType, Settings>): Settings;
  logger: Logger;
  metrics?: RouterMetrics;
  production: boolean;
}

type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** What a feature does per request. A hook a feature does not need is absent, and nothing is called for it. */
export interface FeatureHooks {
  /**
   * request: runs on every /graphql request before Apollo Server reads it. Answering the request (a
   * CORS preflight) returns true and ends it there, before any subgraph is called.
   */
  request?(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<boolean> | boolean;
  /**
   * Fills in the per-request context before planning (the caller from the token, client identity).
   * May throw a GraphQLError with an HTTP status. `exchange`: the response and the request's operation count.
   */
  context?(req: IncomingMessage, context: RouterContext, exchange?: GraphQLExchange): Promise<void> | void;
  /**
   * Sees each supergraph SDL before the gateway loads it (at start and on every registry swap) and
   * returns the SDL to load. Throwing refuses that supergraph.
   */
  supergraph?(sdl: string): string;
  /** Options for graphql-js's parser, merged over all features (limits: maxTokens, enforced while parsing). */
  parseOptions?: ParseOptions;
  /** Options Apollo Server enforces itself (CSRF prevention, automatic persisted queries). */
  apollo?: Pick<ApolloServerOptions<RouterContext>, "csrfPrevention" | "persistedQueries">;
  /** operation: Apollo Server plugins acting on the parsed, validated operation (limits, cost, rate limits, authorization). */
  operation?: ApolloServerPlugin<RouterContext>[];
  /** subgraphCall: wraps every fetch from a subgraph (headers, signing, retries, metrics). */
  subgraphCall?: SubgraphCallWrapper;
  /** response: wraps the formatter of the errors the client gets (a stable code for Apollo's own refusals). */
  response?(format: ErrorFormatter): ErrorFormatter;
  /** Informative readiness checks (circuit states); they never fail readiness. */
  checks?(): Record<string, string>;
  /** Releases what the feature holds (a Redis connection) when the router stops. */
  close?(): Promise<void>;
  /** Once the router listens: for what is served beside Apollo's HTTP requests (WebSocket upgrades). */
  listening?(router: ListeningRouter): void;
  /** First thing on stop, before the listener drains: close long-lived connections (WebSockets with 1001). */
  stopServing?(): Promise<void>;
}

/** What the router hands a feature once it listens. */
export interface ListeningRouter {
  server: import("node:http").Server;
  apollo: import("@apollo/server").ApolloServer<RouterContext>;
  /** The per-request context every HTTP request gets (token, client identity), for this request. */
  createContext(req: IncomingMessage): Promise<RouterContext>;
  /** The router's client error formatter. */
  formatError: ErrorFormatter;
}

export interface RouterFeature<
  Name extends string = string,
  Section extends z.ZodType | undefined = z.ZodType | undefined,
  Settings = unknown,
> {
  /** Also the key of its config section. */
  name: Name;
  /** The section's schema: strict, every field documented with unit and default. Absent: nothing to configure. */
  section?: Section;
  env?: EnvBindings;
  /** Features whose hooks must run before this one's (for subgraphCall: outside it). */
  after?: readonly string[];
  /** Features whose hooks must run after this one's (for subgraphCall: inside it). */
  before?: readonly string[];
  /** Completes the parsed section; without it the settings are the parsed section. */
  resolve?(section: Section extends z.ZodType ? z.output<Section> : undefined, input: ResolveInput): Resolved<Settings>;
  /** The hooks, from the feature's settings; undefined when the feature is off. */
  create(settings: Settings, deps: FeatureDeps): FeatureHooks | undefined | Promise<FeatureHooks | undefined>;
}

export type AnyFeature = RouterFeature<string, any, any>;

/** Types a feature: its name and settings stay literal, so the router config knows each section. */
export function defineFeature<
  const Name extends string,
  Section extends z.ZodType | undefined = undefined,
  Settings = Section extends z.ZodType ? z.output<Section> : undefined,
>(feature: RouterFeature<Name, Section, Settings>): RouterFeature<Name, Section, Settings> {
  return feature;
}

/** The config sections the features declare, by name: the settings each one resolves to. */
export type FeatureSettings<Features extends readonly AnyFeature[]> = {
  [
    F in Features[number] as F extends RouterFeature<infer Name, infer Section, unknown>
      ? Section extends z.ZodType
        ? Name
        : never
      : never
  ]: F extends RouterFeature<string, z.ZodType, infer Settings> ? Settings : never;
};
