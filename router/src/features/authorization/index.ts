import { Counter, type Registry } from "prom-client";
import type { Logger } from "@store/service-kit";
import type { FeatureHooks } from "../feature.ts";
import type { AuthorizationConfig } from "./config.ts";
import { UnknownPolicyError, acceptAuthorizationFeatures, buildAuthorizationIndex, type AuthorizationIndex } from "./directives.ts";
import { authorizationPlugin } from "./plugin.ts";
import { createPolicyRegistry, type PolicyFunction } from "./policies.ts";

export { authorizationConfigSchema, type AuthorizationConfig } from "./config.ts";
export type { PolicyFunction, PolicyInput } from "./policies.ts";

/**
 * Authorization from the schema: every supergraph (at start and on each registry swap) is checked
 * for policy names the router does not know (an error refuses it) and indexed; the plugin enforces
 * the index on each operation.
 */
export function createAuthorizationHooks(options: {
  config: AuthorizationConfig;
  logger: Logger;
  /** Where the denial counter is registered (the router's metrics registry). */
  registry?: Registry | undefined;
  /** Policies registered in code on top of the built-in ones (tests, embedders). */
  policies?: Readonly<Record<string, PolicyFunction>>;
}): FeatureHooks {
  const policies = createPolicyRegistry(options.config.policies, options.policies);
  // Indexes of prepared supergraphs, by the SDL handed to the gateway; the last few only.
  const prepared = new Map<string, AuthorizationIndex>();
  const denied = new Counter({
    name: "authorization_denied_fields_total",
    help: "Fields of operations removed (filter mode) or operations refused (reject mode) by the schema's authorization directives, by code and mode",
    labelNames: ["code", "mode"],
    registers: options.registry ? [options.registry] : [],
  });
  return {
    supergraph(sdl) {
      const adapted = acceptAuthorizationFeatures(sdl);
      const index = buildAuthorizationIndex(adapted.document);
      const unknown = [...index.policyNames].filter((name) => !policies.has(name));
      if (unknown.length) throw new UnknownPolicyError(unknown, policies.keys());
      prepared.set(adapted.sdl, index);
      while (prepared.size > 2) prepared.delete(prepared.keys().next().value!);
      options.logger.info(
        { protectedFields: index.fields.size, protectedTypes: index.types.size, policies: [...index.policyNames] },
        "authorization directives loaded",
      );
      return adapted.sdl;
    },
    operation: [
      authorizationPlugin({
        reject: options.config.reject,
        policies,
        logger: options.logger,
        onDenied: (code, count) => denied.inc({ code, mode: options.config.reject ? "reject" : "filter" }, count),
        indexFor: (sdl) => prepared.get(sdl) ?? buildAuthorizationIndex(sdl),
      }),
    ],
  };
}
