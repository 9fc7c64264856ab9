import { readFileSync } from "node:fs";
import path from "node:path";
import { inspect } from "node:util";
import { z } from "zod";

/** The algorithms a token may be signed with. `none` is never one of them. */
export const ALGORITHMS = ["HS256", "RS256", "ES256"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

const oneOrMore = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * The `authentication` section: JWT bearer tokens. HS256 uses the secret in env AUTH_JWT_SECRET
 * (never the config file); RS256/ES256 use a JWKS from a URL (cached, refetched for an unknown key
 * id at most once per cooldown) or a file.
 */
export const authenticationConfigSchema = z
  .object({
    /** Default: on when env AUTH_JWT_SECRET or a JWKS is set. true without either is a config error. */
    enabled: z.boolean().optional(),
    /** Accepted `iss` values (the store's accounts subgraph issues "store-accounts"). */
    issuer: oneOrMore.default("store-accounts"),
    /** Accepted `aud` values. */
    audience: oneOrMore.default("store-graph"),
    /** Accepted algorithms. Default: HS256 when AUTH_JWT_SECRET is set, RS256 and ES256 when a JWKS is. */
    algorithms: z.array(z.enum(ALGORITHMS)).min(1).optional(),
    /** Seconds of clock skew allowed when checking exp and nbf. */
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
    jwks: z
      .object({
        /** The identity provider's JWKS endpoint (https://idp.example.com/.well-known/jwks.json). */
        url: z.url({ protocol: /^https?$/ }).optional(),
        /** Or a JWKS file, read at start. */
        file: z.string().min(1).optional(),
        /** Milliseconds a fetched key set is used before it is fetched again. */
        cacheMaxAgeMs: z.number().int().positive().default(600_000),
        /** Milliseconds after a fetch during which a token with an unknown `kid` does not trigger another. */
        cooldownMs: z.number().int().nonnegative().default(30_000),
        /** Milliseconds one JWKS fetch may take. */
        timeoutMs: z.number().int().positive().default(5_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({});

export type AuthenticationSection = z.output<typeof authenticationConfigSchema>;

/** A secret that does not show up in logs, JSON or console output. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "Secret([redacted])";
  }
}

export interface AuthenticationSettings {
  enabled: boolean;
  issuer: string[];
  audience: string[];
  algorithms: Algorithm[];
  clockToleranceSeconds: number;
  /** HS256 key, from env AUTH_JWT_SECRET. */
  secret?: Secret;
  jwks?:
    | { kind: "url"; url: string; cacheMaxAgeMs: number; cooldownMs: number; timeoutMs: number }
    | { kind: "file"; file: string; keys: { keys: Array<Record<string, unknown>> } };
}

export const MIN_SECRET_LENGTH = 32;

/**
 * Completes the section with the secret from the environment and the JWKS file, checking that the
 * accepted algorithms have keys. Returns every problem found rather than the first.
 */
export function resolveAuthentication(
  section: AuthenticationSection,
  { env, cwd }: { env: NodeJS.ProcessEnv; cwd: string },
): { settings: AuthenticationSettings; problems: string[] } {
  const problems: string[] = [];
  const rawSecret = env.AUTH_JWT_SECRET;
  let secret: Secret | undefined;
  if (rawSecret) {
    if (rawSecret.length < MIN_SECRET_LENGTH)
      problems.push(`env AUTH_JWT_SECRET: must be at least ${MIN_SECRET_LENGTH} characters (256 bits for HS256)`);
    else secret = new Secret(rawSecret);
  }
  let jwks: AuthenticationSettings["jwks"];
  if (section.jwks) {
    const { url, file, cacheMaxAgeMs, cooldownMs, timeoutMs } = section.jwks;
    if (url && file) problems.push("authentication.jwks: set either url or file, not both");
    else if (url) jwks = { kind: "url", url, cacheMaxAgeMs, cooldownMs, timeoutMs };
    else if (file) {
      const keys = readJwksFile(path.resolve(cwd, file), problems);
      if (keys) jwks = { kind: "file", file, keys };
    } else problems.push("authentication.jwks: needs url or file");
  }
  const enabled = section.enabled ?? Boolean(rawSecret || section.jwks);
  const algorithms = section.algorithms ?? [
    ...(rawSecret ? (["HS256"] as const) : []),
    ...(section.jwks ? (["RS256", "ES256"] as const) : []),
  ];
  if (enabled) {
    if (!rawSecret && !section.jwks) {
      problems.push("authentication: enabled, but there is no key: set env AUTH_JWT_SECRET (HS256) or authentication.jwks (RS256/ES256)");
    } else {
      if (algorithms.includes("HS256") && !rawSecret)
        problems.push("authentication.algorithms: HS256 needs the secret in env AUTH_JWT_SECRET");
      const asymmetric = algorithms.filter((alg) => alg !== "HS256");
      if (asymmetric.length && !section.jwks)
        problems.push(`authentication.algorithms: ${asymmetric.join(", ")} need authentication.jwks (url or file)`);
    }
  }
  const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
  return {
    settings: {
      enabled,
      issuer: list(section.issuer),
      audience: list(section.audience),
      algorithms: [...new Set(algorithms)],
      clockToleranceSeconds: section.clockToleranceSeconds,
      secret,
      jwks,
    },
    problems,
  };
}

function readJwksFile(file: string, problems: string[]): { keys: Array<Record<string, unknown>> } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
    const keys = (parsed as { keys?: unknown } | null)?.keys;
    if (Array.isArray(keys) && keys.every((key) => key && typeof key === "object"))
      return parsed as { keys: Array<Record<string, unknown>> };
    problems.push(`authentication.jwks.file ${file}: not a JWKS (needs a "keys" array)`);
  } catch (error) {
    problems.push(`authentication.jwks.file ${file}: ${(error as Error).message}`);
  }
  return undefined;
}
