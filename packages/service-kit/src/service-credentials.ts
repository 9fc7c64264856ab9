import { ConfigError } from "./config.ts";
import { MIN_SECRET_LENGTH, callerSecretVariable, calleesOf, createRequestSigner, type RequestSigner } from "@store/wire";

/**
 * The credentials a service signs its own calls to other subgraphs with (orders -> inventory): one
 * secret per callee, SUBGRAPH_SECRET_<CALLEE>_FROM_<CALLER>, shared with that callee only, so the
 * callee knows who is calling and no service can pass for the router or for another service. Only
 * the calls service-calls.ts declares have credentials. Production needs every one of them (unless
 * SUBGRAPH_SIGNING=off); development signs what it can.
 */
export function loadServiceSigners<C extends string>(
  caller: string,
  callees: readonly C[],
  env: NodeJS.ProcessEnv = process.env,
): Record<C, RequestSigner | undefined> {
  const required = env.NODE_ENV === "production" && env.SUBGRAPH_SIGNING !== "off";
  const problems: string[] = [];
  const signers = {} as Record<C, RequestSigner | undefined>;
  const declared = new Set(calleesOf(caller));
  for (const callee of callees) {
    if (!declared.has(callee)) {
      problems.push(`${caller} -> ${callee}: not a declared service call (service-calls.ts); the callee would refuse it`);
      continue;
    }
    const variable = callerSecretVariable(callee, caller);
    const secret = env[variable];
    if (!secret) {
      if (required) problems.push(`${variable}: required in production: the secret ${caller} signs its calls to ${callee} with`);
      signers[callee] = undefined;
    } else if (secret.length < MIN_SECRET_LENGTH) {
      problems.push(`${variable}: must be at least ${MIN_SECRET_LENGTH} characters (HMAC is only as strong as its key)`);
    } else {
      signers[callee] = createRequestSigner(caller, secret);
    }
  }
  if (problems.length) throw new ConfigError(problems, caller);
  return signers;
}
