import type { Logger } from "@store/service-kit";
import type { RouterConfig } from "../config.ts";
import type { RouterMetrics } from "../metrics.ts";
import type { AnyFeature, FeatureHooks } from "./feature.ts";
import { FEATURES } from "./index.ts";
import { orderFeatures } from "./order.ts";

/** The features that are on, in their declared order, and their hooks of each kind. */
export interface FeatureSet {
  hooksOf(name: string): FeatureHooks | undefined;
  /** Every hook of one kind, in order; features without it are left out, so nothing is called for them. */
  all<K extends keyof FeatureHooks>(kind: K): NonNullable<FeatureHooks[K]>[];
}

/** Orders the features (failing on a cycle or an unknown name) and creates the hooks of each from its settings. */
export async function createFeatures(
  config: RouterConfig,
  { logger, metrics }: { logger: Logger; metrics?: RouterMetrics },
): Promise<FeatureSet> {
  const production = config.mode === "production";
  if (production && (config.rateLimit.enabled || config.clientConcurrency.enabled) && config.rateLimit.trustedProxies.length === 0) {
    logger.warn(
      "rate limits and clientConcurrency count anonymous clients by socket address: behind a load balancer or proxy, list it in rateLimit.trustedProxies",
    );
  }
  const settings = config as unknown as Record<string, unknown>;
  const deps = { config, logger, metrics, production, settingsOf: <T>(feature: { name: string }) => settings[feature.name] as T };
  const created: Array<[string, FeatureHooks]> = [];
  for (const feature of orderFeatures(FEATURES as readonly AnyFeature[])) {
    const hooks = await feature.create(feature.section ? settings[feature.name] : undefined, deps);
    if (hooks) created.push([feature.name, hooks]);
  }
  const byName = new Map(created);
  return {
    hooksOf: (name) => byName.get(name),
    all: (kind) => created.flatMap(([, hooks]) => (hooks[kind] === undefined ? [] : [hooks[kind]!])),
  };
}
