import { z } from "zod";
import {
  CLAIMS_HEADER,
  CLAIMS_PRIVATE_KEY_VARIABLE,
  CLAIMS_SIGNATURE_HEADER,
  MIN_SECRET_LENGTH,
  ROUTER_CALLER,
  createClaimsSigner,
  createRequestSigner,
  parseClaimsKey,
  routerSecretVariable,
  type RequestSigner,
} from "@store/wire";
import { ConfigError, type Logger } from "@store/service-kit";
import type { KeyObject } from "node:crypto";
import type { RouterContext } from "../../context.ts";
import type { FeatureHooks } from "../feature.ts";

/**
 * Subgraphs only answer the router: every subgraph request carries an HMAC over its exact body, a
 * timestamp, a nonce and the claims header (scheme in @store/service-kit request-signing.ts), keyed
 * with the subgraph's own secret from env SUBGRAPH_SECRET_<NAME>. The claims header itself carries
 * the router's Ed25519 signature (claims-signing.ts, key from env ROUTER_CLAIMS_PRIVATE_KEY), which
 * no subgraph can make, so no subgraph can speak for a user the router did not name. Secrets and
 * keys never come from the config file.
 */
export const subgraphSigningSchema = z
  .object({
    /** Sign subgraph requests. false only where something else (mTLS, a private network) proves the router is the caller. */
    enabled: z.boolean().default(true),
    /** Seconds the router's signature on a user's claims stays valid (a service forwarding them must call within it). */
    claimsTtlSeconds: z.number().int().min(5).max(3600).default(60),
  })
  .strict()
  .prefault({});

export interface SubgraphSigningConfig extends z.output<typeof subgraphSigningSchema> {
  /** SUBGRAPH_SECRET_<NAME> values by variable name, from the environment only. */
  secrets: Readonly<Record<string, string>>;
  /** From env ROUTER_CLAIMS_PRIVATE_KEY; unset: claims go unsigned (development only). */
  claimsKey?: KeyObject;
}

const SECRET_VARIABLE = /^SUBGRAPH_SECRET_([A-Z0-9_]+)$/;

/**
 * Reads the signing secrets from `env` (loadRouterConfig calls it). Production refuses to start
 * without any while signing is on; a secret too short to be one is refused everywhere.
 */
export function loadSigningSecrets(
  section: z.output<typeof subgraphSigningSchema>,
  env: NodeJS.ProcessEnv,
  production: boolean,
): SubgraphSigningConfig {
  const secrets: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    // SUBGRAPH_SECRET_<CALLEE>_FROM_<CALLER> belongs to service-to-service calls, not the router.
    if (!value || !SECRET_VARIABLE.test(key) || key.includes("_FROM_")) continue;
    if (value.length < MIN_SECRET_LENGTH)
      problems.push(`${key}: must be at least ${MIN_SECRET_LENGTH} characters (HMAC is only as strong as its key) (from env ${key})`);
    else secrets[key] = value;
  }
  let claimsKey: KeyObject | undefined;
  const claimsKeyText = env[CLAIMS_PRIVATE_KEY_VARIABLE];
  if (claimsKeyText) {
    try {
      claimsKey = parseClaimsKey(claimsKeyText, "private");
    } catch {
      problems.push(
        `${CLAIMS_PRIVATE_KEY_VARIABLE}: must be an Ed25519 private key (PKCS#8), as PEM or base64 DER (from env ${CLAIMS_PRIVATE_KEY_VARIABLE})`,
      );
    }
  } else if (section.enabled && production) {
    problems.push(
      `subgraphSigning: production signs the user's claims it sends subgraphs, so it needs env ${CLAIMS_PRIVATE_KEY_VARIABLE} (an Ed25519 private key; subgraphs get the public key)`,
    );
  }
  if (section.enabled && production && Object.keys(secrets).length === 0 && problems.length === 0) {
    problems.push(
      "subgraphSigning: production signs every subgraph request, so it needs each subgraph's secret in env SUBGRAPH_SECRET_<NAME> (none is set); " +
        "set subgraphSigning.enabled: false (ROUTER_SUBGRAPH_SIGNING=false) only where the network already proves the router is the caller",
    );
  }
  if (problems.length) throw new ConfigError(problems, "router");
  return { ...section, secrets, ...(claimsKey && { claimsKey }) };
}

export function createSubgraphSigningHooks({
  config,
  logger,
  production,
}: {
  config: SubgraphSigningConfig;
  logger: Logger;
  production: boolean;
}): FeatureHooks {
  // No hooks: nothing runs per request.
  if (!config.enabled) return {};
  // One signer per subgraph, built on its first request (a registry update may bring new subgraphs).
  const signers = new Map<string, RequestSigner | null>();
  const signerFor = (subgraph: string) => {
    let signer = signers.get(subgraph);
    if (signer === undefined) {
      const variable = routerSecretVariable(subgraph);
      const secret = config.secrets[variable];
      signer = secret ? createRequestSigner(ROUTER_CALLER, secret) : null;
      signers.set(subgraph, signer);
      if (!signer)
        logger[production ? "error" : "warn"](
          { subgraph },
          `no ${variable} set: requests to ${subgraph} ${production ? "are refused" : "go unsigned"}`,
        );
    }
    return signer;
  };
  const signClaims = config.claimsKey && createClaimsSigner(config.claimsKey, config.claimsTtlSeconds);
  // Signed once per client request, however many subgraph fetches its plan makes.
  const claimsSignatures = new WeakMap<RouterContext, string>();
  return {
    subgraphCall: (next, subgraph) => (call) => {
      const claims = call.headers[CLAIMS_HEADER];
      if (signClaims && claims !== undefined && call.context) {
        let signature = claimsSignatures.get(call.context);
        if (signature === undefined) claimsSignatures.set(call.context, (signature = signClaims(claims)));
        call.headers[CLAIMS_SIGNATURE_HEADER] = signature;
      } else delete call.headers[CLAIMS_SIGNATURE_HEADER];
      const signer = signerFor(subgraph.name);
      if (!signer) {
        // Production never sends an unsigned request; the error is masked for the client and logged.
        if (production) throw new Error(`No signing secret for subgraph ${subgraph.name} (set ${routerSecretVariable(subgraph.name)})`);
        return next(call);
      }
      Object.assign(call.headers, signer(call.body, call.headers[CLAIMS_HEADER]));
      return next(call);
    },
  };
}
