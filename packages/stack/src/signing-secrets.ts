import { generateKeyPairSync, randomBytes } from "node:crypto";
import {
  CLAIMS_PRIVATE_KEY_VARIABLE,
  CLAIMS_PUBLIC_KEY_VARIABLE,
  callerSecretVariable,
  calleesOf,
  routerSecretVariable,
} from "@store/wire";

export interface SigningEnv {
  /** Every secret and key, by variable name (the router gets the router's ones). */
  all: Record<string, string>;
  router: NodeJS.ProcessEnv;
  /** What each subgraph gets: its own router secret, the secrets of the calls it makes or takes, the router's public claims key. */
  subgraph(name: string): NodeJS.ProcessEnv;
}

/**
 * Secrets so that every subgraph only answers the router and the services allowed to call it: one
 * per subgraph (router -> subgraph), one per declared service call (service-calls.ts: orders ->
 * inventory, ...) and no other, and the Ed25519 key pair the router signs users' claims with (the
 * private half for the router only). Values already in `env` are kept; the rest are random per
 * start and only ever passed in the processes' environment (never printed).
 */
export function signingSecrets(names: readonly string[], env: NodeJS.ProcessEnv): SigningEnv {
  const all: Record<string, string> = {};
  const secret = (variable: string) => (all[variable] = env[variable] || randomBytes(32).toString("base64url"));
  const { privateKey, publicKey } = claimsKeyPair(env);
  all[CLAIMS_PRIVATE_KEY_VARIABLE] = privateKey;
  all[CLAIMS_PUBLIC_KEY_VARIABLE] = publicKey;
  const router: NodeJS.ProcessEnv = { [CLAIMS_PRIVATE_KEY_VARIABLE]: privateKey };
  const bySubgraph = new Map<string, NodeJS.ProcessEnv>(names.map((name) => [name, { [CLAIMS_PUBLIC_KEY_VARIABLE]: publicKey }]));
  for (const callee of names) {
    const variable = routerSecretVariable(callee);
    router[variable] = bySubgraph.get(callee)![variable] = secret(variable);
  }
  for (const caller of names) {
    for (const callee of calleesOf(caller).filter((name) => bySubgraph.has(name))) {
      const pair = callerSecretVariable(callee, caller);
      bySubgraph.get(callee)![pair] = bySubgraph.get(caller)![pair] = secret(pair);
    }
  }
  return { all, router, subgraph: (name) => bySubgraph.get(name) ?? {} };
}

/** The pair from env when both halves are set there, else a new one (base64 DER). */
function claimsKeyPair(env: NodeJS.ProcessEnv): { privateKey: string; publicKey: string } {
  const privateKey = env[CLAIMS_PRIVATE_KEY_VARIABLE];
  const publicKey = env[CLAIMS_PUBLIC_KEY_VARIABLE];
  if (privateKey && publicKey) return { privateKey, publicKey };
  const pair = generateKeyPairSync("ed25519");
  return {
    privateKey: pair.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    publicKey: pair.publicKey.export({ format: "der", type: "spki" }).toString("base64"),
  };
}
