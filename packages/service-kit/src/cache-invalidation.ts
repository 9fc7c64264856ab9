import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { CACHE_INVALIDATION_EXTENSION, type EntityInvalidation } from "@store/wire";

/**
 * Lets a resolver tell the router's entity cache which entities its mutation changed: they go out
 * in the response's `extensions.cacheInvalidation`, which the router applies before it answers.
 */
const pending = new WeakMap<object, EntityInvalidation[]>();

/** Marks entities as changed by this request (call after the change is committed). */
export function invalidateEntities(context: object, ...entities: EntityInvalidation[]): void {
  const list = pending.get(context);
  if (list) list.push(...entities);
  else pending.set(context, [...entities]);
}

export function cacheInvalidationPlugin<Ctx extends BaseContext>(): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const list = pending.get(contextValue);
          if (!list?.length || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [CACHE_INVALIDATION_EXTENSION]: list };
        },
      };
    },
  };
}
