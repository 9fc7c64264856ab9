import { randomBytes } from "node:crypto";
import { callerSecretVariable, routerSecretVariable } from "@store/service-kit";

export interface SigningEnv {
  /** Every secret, by variable name (the router gets the router's ones). */
  all: Record<string, string>;
  router: NodeJS.ProcessEnv;
  /** What each subgraph gets: its own router secret and the secrets of the calls it makes or takes. */
  subgraph(name: string): NodeJS.ProcessEnv;
}

/**
 * Secrets so that every subgraph only answers the router and its neighbours: one per subgraph
 * (router -> subgraph) and one per pair of subgraphs (caller -> callee), like the neighbour URLs.
 * A secret already in `env` is kept; the rest are random per start and only ever passed in the
 * processes' environment (never printed).
 */
export function signingSecrets(names: readonly string[], env: NodeJS.ProcessEnv): SigningEnv {
  const all: Record<string, string> = {};
  const secret = (variable: string) => (all[variable] = env[variable] || randomBytes(32).toString("base64url"));
  const router: NodeJS.ProcessEnv = {};
  const bySubgraph = new Map<string, NodeJS.ProcessEnv>(names.map((name) => [name, {}]));
  for (const callee of names) {
    const variable = routerSecretVariable(callee);
    router[variable] = bySubgraph.get(callee)![variable] = secret(variable);
    for (const caller of names) {
      if (caller === callee) continue;
      const pair = callerSecretVariable(callee, caller);
      bySubgraph.get(callee)![pair] = bySubgraph.get(caller)![pair] = secret(pair);
    }
  }
  return { all, router, subgraph: (name) => bySubgraph.get(name) ?? {} };
}
