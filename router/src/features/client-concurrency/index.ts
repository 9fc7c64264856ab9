import { HeaderMap } from "@apollo/server";
import { Counter, Gauge, type Registry } from "prom-client";
import { ErrorCode, codedError } from "@store/wire";
import type { GraphQLExchange } from "@store/service-kit";
import type { RouterContext } from "../../context.ts";
import type { RateLimitConfig } from "../rate-limit/config.ts";
import { identityResolver } from "../rate-limit/identity.ts";
import type { FeatureHooks } from "../feature.ts";
import type { ClientConcurrencyConfig } from "./config.ts";
import { createClientSlots } from "./slots.ts";

export interface ClientConcurrencyDeps {
  config: ClientConcurrencyConfig;
  /** Clients are told apart as rate limits tell them apart (API keys, trusted proxies). */
  identity: Pick<RateLimitConfig, "apiKeyHeader" | "apiKeys" | "trustedProxies">;
  registry?: Registry;
}

/**
 * `clientConcurrency`: once the request's caller is known (after authentication), the request takes
 * a slot per operation from its client's share, waiting in line when the share is taken, and gives
 * them back when its response is finished or its connection closes. Disabled: no hooks at all.
 */
export function createClientConcurrencyHooks({ config, identity, registry }: ClientConcurrencyDeps): FeatureHooks | undefined {
  if (!config.enabled) return undefined;
  const registers = registry ? [registry] : [];
  const inFlightGauge = new Gauge({
    name: "client_operations_in_flight",
    help: "Operations running under clientConcurrency, all clients together",
    registers,
  });
  const queuedGauge = new Gauge({
    name: "client_operations_queued",
    help: "Operations waiting for their client's share of clientConcurrency.maxInFlight",
    registers,
  });
  const rejections = new Counter({
    name: "client_concurrency_rejections_total",
    help: "Requests refused with CONCURRENCY_LIMITED (their client had maxInFlight running and maxQueued waiting), by identity kind",
    labelNames: ["identity_kind"],
    registers,
  });
  const slots = createClientSlots(config, {
    changed(inFlight, queued) {
      inFlightGauge.set(inFlight);
      queuedGauge.set(queued);
    },
  });
  const identify = identityResolver({
    apiKeyHeader: identity.apiKeyHeader,
    apiKeys: new Map(identity.apiKeys.map((key) => [key.sha256, key.name])),
    trustedProxies: identity.trustedProxies,
  });
  const refused = () =>
    codedError(ErrorCode.CONCURRENCY_LIMITED, "Too many operations in flight from this client: retry once some have been answered.", {
      maxInFlight: config.maxInFlight,
      maxQueued: config.maxQueued,
      http: { status: 429, headers: new HeaderMap([["retry-after", "1"]]) },
    });

  return {
    async context(_req, context: RouterContext, exchange?: GraphQLExchange) {
      if (!exchange) return; // not an HTTP request: nothing to hold a slot for
      const { res, operations } = exchange;
      const client = identify(context);
      const admission = slots.admit(`${client.kind}:${client.key}`, operations);
      if (admission.kind === "refused") {
        rejections.inc({ identity_kind: client.kind });
        throw refused();
      }
      if (admission.kind === "run") {
        res.once("close", admission.release);
        return;
      }
      // A client that goes away while waiting gives up its place.
      res.once("close", admission.cancel);
      const release = await admission.granted;
      res.off("close", admission.cancel);
      if (res.closed) release();
      else res.once("close", release);
    },
  };
}
