import type { GatewayExecutionResult } from "@apollo/server-gateway-interface";

/**
 * Identical queries in flight at the same moment share one execution (off unless
 * `traffic.mergeIdenticalQueries` is on): a burst of clients asking the same thing (a home page
 * after a deploy, a popular product) costs the subgraphs one set of fetches. Only queries, never
 * mutations, and only requests identical in everything that can shape the answer: the operation
 * as planned (after every policy rewrite), its variables, the caller's verified claims and the
 * client headers that header rules forward. The followers get the leader's answer, each in its
 * own result object (Apollo Server and the features add to `errors` and `extensions` per
 * request), and the subgraph response headers the leader collected.
 */
export interface SharedExecution {
  result: GatewayExecutionResult;
  /** The subgraph response headers that header rules pass back, as the leader collected them. */
  responseHeaders: ReadonlyMap<string, string>;
  /** The deferred parts still to come (an incremental @defer response): every follower reads them all. */
  stream?: unknown;
}

export class InFlightQueries {
  private readonly running = new Map<string, Promise<SharedExecution>>();

  /** Joins an identical execution in flight under `key`, or runs `execute` and lets others join it. */
  run(key: string, execute: () => Promise<SharedExecution>, onJoin?: () => void): Promise<SharedExecution> {
    const running = this.running.get(key);
    if (running) {
      onJoin?.();
      return running.then((shared) => ({ ...shared, result: ownCopy(shared.result) }));
    }
    const execution = execute().finally(() => this.running.delete(key));
    this.running.set(key, execution);
    return execution;
  }

  get size(): number {
    return this.running.size;
  }
}

/**
 * An error object of the caller's own (same class and fields): the request is remembered per error
 * object (the error formatter names it in masked messages), so a shared one would name another request.
 */
function ownError<E extends object>(error: E): E {
  return Object.defineProperties(Object.create(Object.getPrototypeOf(error)), Object.getOwnPropertyDescriptors(error)) as E;
}

/** A result object of the caller's own: the lists that later steps append to are copied, and the errors. */
function ownCopy(result: GatewayExecutionResult): GatewayExecutionResult {
  return {
    ...result,
    ...(result.errors && { errors: result.errors.map(ownError) }),
    ...(result.extensions && { extensions: { ...result.extensions } }),
  };
}

/** The part of the key that says who asks: verified claims and the forwarded client headers. */
export function callerKey(
  claims: unknown,
  clientHeaders: Readonly<Record<string, string | string[] | undefined>>,
  forwardedHeaders: readonly string[],
): string {
  return JSON.stringify([claims ?? null, forwardedHeaders.map((name) => clientHeaders[name] ?? null)]);
}
