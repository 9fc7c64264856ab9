import type { ApolloServer } from "@apollo/server";
import type { FormattedExecutionResult, GraphQLFormattedError } from "graphql";
import { ErrorCode } from "@store/wire";
import type { Logger } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { SubscriptionStart, SubscriptionSink } from "../../execution/subscription-plan.ts";
import type { SubscriptionsConfig } from "./config.ts";
import type { Upstreams } from "./upstream.ts";

export interface SubscriptionRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

/** What every transport needs to run an operation as a stream. */
export interface StreamRuntime {
  apollo: ApolloServer<RouterContext>;
  upstreams: Upstreams;
  config: SubscriptionsConfig;
  logger: Logger;
  /** The router's client error formatter (masking, stable codes), for errors of later events. */
  formatError(error: unknown): GraphQLFormattedError;
  /** Counts one more (+1) or one fewer (-1) open subscription of a transport. */
  track(transport: string, delta: 1 | -1): void;
}

/** Where a transport sends a stream's results; `end` comes once, after the last result. */
export interface StreamOutput {
  next(result: FormattedExecutionResult): void;
  end(): void;
}

export type StreamOutcome =
  /** Not a subscription (or refused before subscribing): one result, nothing more. */
  { kind: "single"; result: FormattedExecutionResult; status: number } | { kind: "stream"; stop(): void };

const coded = (message: string, code: ErrorCode): GraphQLFormattedError => ({ message, extensions: { code } });

/**
 * Runs one operation for a streaming transport. Apollo Server's pipeline checks it as it checks a
 * query (parse, validation, limits, demand control, authorization, rate limits); a subscription
 * plan then hands its primary fetch to the upstream subscription here, and each upstream event
 * runs the rest of the plan for the client. The stream also ends when the caller's token expires,
 * and resubscribes when the subgraph's connection is lost, telling the client with an error event.
 */
export async function runOperation(
  runtime: StreamRuntime,
  transport: string,
  context: RouterContext,
  request: SubscriptionRequest,
  output: StreamOutput,
): Promise<StreamOutcome> {
  let started: SubscriptionStart | undefined;
  const sink: SubscriptionSink = (start) => (started = start);
  (context as RouterContext & { subscription?: SubscriptionSink }).subscription = sink;
  const response = await runtime.apollo.executeOperation(
    {
      query: request.query,
      variables: request.variables ?? undefined,
      operationName: request.operationName ?? undefined,
      extensions: request.extensions ?? undefined,
    },
    { contextValue: context },
  );
  const result: FormattedExecutionResult =
    response.body.kind === "single"
      ? response.body.singleResult
      : { errors: [coded("Incremental delivery is not served on this transport.", ErrorCode.BAD_REQUEST)] };
  if (!started || result.errors?.length)
    return { kind: "single", result, status: response.http.status ?? (result.errors?.length && !result.data ? 400 : 200) };
  return { kind: "stream", stop: follow(runtime, transport, context, started, output) };
}

function follow(
  runtime: StreamRuntime,
  transport: string,
  context: RouterContext,
  start: SubscriptionStart,
  output: StreamOutput,
): () => void {
  const { config, upstreams, logger } = runtime;
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  let attempts = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  // Events are answered in the order they came, each after the one before.
  let queue: Promise<void> = Promise.resolve();
  runtime.track(transport, 1);

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(retryTimer);
    clearTimeout(expiry);
    unsubscribe?.();
    runtime.track(transport, -1);
  };
  // finish(): the stream ends after the events already queued; stop() alone (the client left) drops them.
  let finishing = false;
  const finish = (last?: FormattedExecutionResult) => {
    if (stopped) return;
    finishing = true;
    queue = queue.then(() => {
      if (last) output.next(last);
      output.end();
    });
    stop();
  };

  const exp = typeof context.tokenClaims?.exp === "number" ? (context.tokenClaims.exp as number) * 1000 : undefined;
  const expiry =
    exp === undefined
      ? undefined
      : setTimeout(
          () =>
            finish({
              errors: [
                coded("The token this subscription was opened with expired: subscribe again with a fresh token.", ErrorCode.TOKEN_EXPIRED),
              ],
            }),
          Math.max(0, Math.min(exp - Date.now(), 2_147_483_647)),
        );
  expiry?.unref();

  const subscribe = () => {
    if (stopped) return;
    unsubscribe = upstreams.subscribe(start.subgraph, start.url, start.request, context.caller, context.requestId, {
      next(event) {
        attempts = 0;
        queue = queue.then(async () => {
          // Only a client that left drops the event: an upstream that completes right after its
          // last event (a refusal, then complete) still has that event delivered before the end.
          if (stopped && !finishing) return;
          try {
            const resolved = await start.resolve(event);
            if (stopped && !finishing) return;
            const { errors, ...rest } = resolved;
            output.next(errors?.length ? { ...rest, errors: errors.map((error) => runtime.formatError(error)) } : rest);
          } catch (error) {
            logger.error({ err: error, requestId: context.requestId }, "subscription event failed");
            output.next({ errors: [coded("This event could not be resolved.", ErrorCode.INTERNAL_SERVER_ERROR)] });
          }
        });
      },
      end(end) {
        if (stopped) return;
        if (end.kind === "complete") return finish();
        if (end.kind === "refused") return finish({ errors: (end.errors ?? []).map((error) => runtime.formatError(error)) });
        if (attempts >= config.upstreamRetryAttempts) {
          logger.warn(
            { subgraph: start.subgraph, reason: end.reason, requestId: context.requestId },
            "subscription upstream lost for good",
          );
          return finish({
            errors: [
              coded(
                `The ${start.subgraph} subgraph serving this subscription is unavailable: the subscription ended.`,
                ErrorCode.SUBSCRIPTION_UPSTREAM_LOST,
              ),
            ],
          });
        }
        // The client hears of the gap at once, then the router resubscribes (signed afresh).
        queue = queue.then(() => {
          if (!stopped)
            output.next({
              errors: [
                coded(
                  `The ${start.subgraph} subgraph serving this subscription went away; resubscribing (events meanwhile are missed).`,
                  ErrorCode.SUBSCRIPTION_UPSTREAM_LOST,
                ),
              ],
            });
        });
        const delay = Math.min(config.upstreamRetryDelayMs * 2 ** attempts, 10_000);
        attempts++;
        retryTimer = setTimeout(subscribe, delay);
      },
    });
  };
  subscribe();
  return stop;
}
