import type { GraphQLFormattedError } from "graphql";
import { Gauge } from "prom-client";
import type { Logger } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks, ListeningRouter } from "../feature.ts";
import type { SubgraphSigningConfig } from "../subgraph-signing/subgraph-signing.ts";
import type { SubscriptionsConfig } from "./config.ts";
import { createUpstreams } from "./upstream.ts";
import { serveWebSockets } from "./websocket.ts";
import { serveHttpStream, streamKindOf, type HttpStreamsDeps } from "./http-streams.ts";
import type { StreamRuntime } from "./run-subscription.ts";
import type { RouterMetrics } from "../../metrics.ts";

/** Who counts as one client for maxPerClient: the token's user, else the address. */
const clientKey = (context: RouterContext) => (context.caller ? `user:${context.caller.id}` : `ip:${context.clientIp}`);

export function createSubscriptionsHooks({
  config,
  signing,
  logger,
  metrics,
  maxBodyBytes,
}: {
  maxBodyBytes: number;
  config: SubscriptionsConfig;
  signing: SubgraphSigningConfig | undefined;
  logger: Logger;
  metrics?: RouterMetrics;
}): FeatureHooks | undefined {
  if (!config.enabled) return undefined;
  const upstreams = createUpstreams(signing);
  const active = new Gauge({
    name: "router_subscriptions_active",
    help: "Subscriptions open on this router, by transport (websocket, sse, multipart): closed connections bring it back down",
    labelNames: ["transport"],
    registers: metrics ? [metrics.registry] : [],
  });
  const perClient = new Map<string, number>();
  const claimClientSlot = (context: RouterContext) => {
    const key = clientKey(context);
    const held = perClient.get(key) ?? 0;
    if (held >= config.maxPerClient) return undefined;
    perClient.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (perClient.get(key) ?? 1) - 1;
      if (now <= 0) perClient.delete(key);
      else perClient.set(key, now);
    };
  };
  let sockets: ReturnType<typeof serveWebSockets> | undefined;
  let httpDeps: HttpStreamsDeps | undefined;
  const streams = new Set<{ drain(): void }>();
  return {
    async request(req, res) {
      const kind = httpDeps && streamKindOf(req);
      if (!kind) return false;
      const stream = await serveHttpStream(httpDeps!, kind, req, res);
      if (stream) {
        streams.add(stream);
        res.once("close", () => streams.delete(stream));
      }
      return true;
    },
    listening(router: ListeningRouter) {
      const runtime: StreamRuntime = {
        apollo: router.apollo,
        upstreams,
        config,
        logger,
        formatError: (error) => router.formatError(error as GraphQLFormattedError, error),
        track: (transport, delta) => active.inc({ transport }, delta),
      };
      sockets = serveWebSockets({ ...runtime, server: router.server, createContext: router.createContext, claimClientSlot });
      httpDeps = { ...runtime, createContext: router.createContext, claimClientSlot, maxBodyBytes: maxBodyBytes };
    },
    async stopServing() {
      // SSE and multipart streams complete (clients reconnect elsewhere); sockets close with 1001.
      for (const stream of streams) stream.drain();
      await sockets?.close();
    },
    async close() {
      await upstreams.close();
    },
  };
}
