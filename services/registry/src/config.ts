import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, booleanFlag, logLevelSchema, nodeEnvSchema, parseConfig, portSchema } from "@store/service-kit";

/**
 * The registry's settings: process settings from the environment, the teams and their tokens from a
 * YAML file (services/registry/registry.yaml by default). Both are parsed once at start and every
 * problem is listed.
 */

const fromHere = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
export const repoRoot = fromHere("../../..");
export const defaultRegistryFile = fromHere("../registry.yaml");
export const migrationsDir = fromHere("../../../prisma/registry/migrations");
export const defaultDataDir = fromHere("../../../.data/registry");

const NAME = /^[a-z][a-z0-9_-]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Tokens shorter than this are refused at start: they could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

const teamSchema = z
  .object({
    /** Subgraphs this team may publish (and create, on its first publish). */
    subgraphs: z.array(z.string().regex(NAME, "subgraph names are lower-case identifiers")).default([]),
    /** sha256 (hex) of the team's tokens; the tokens themselves are never stored. */
    tokenSha256: z.array(z.string().regex(SHA256_HEX, "must be a lower-case hex sha256")).default([]),
  })
  .strict();

export const registryFileSchema = z
  .object({
    teams: z.record(z.string().regex(NAME, "team names are lower-case identifiers"), teamSchema).default({}),
    /** Tokens routers use to read the supergraph and report usage. */
    routers: z
      .object({ tokenSha256: z.array(z.string().regex(SHA256_HEX, "must be a lower-case hex sha256")).default([]) })
      .strict()
      .prefault({}),
    /** Read-only tokens for people who look at the inventory (the /console pages and GET endpoints); they publish and report nothing. */
    viewers: z
      .object({ tokenSha256: z.array(z.string().regex(SHA256_HEX, "must be a lower-case hex sha256")).default([]) })
      .strict()
      .prefault({}),
    checks: z
      .object({
        /** Hours of recorded usage a breaking-change check looks at (default a week). */
        usageWindowHours: z
          .number()
          .int()
          .positive()
          .default(24 * 7),
        /** Hours usage is kept; a check may ask for any window up to this (default 30 days). */
        usageRetentionHours: z
          .number()
          .int()
          .positive()
          .default(24 * 30),
      })
      .strict()
      .prefault({}),
    /** Who must agree to changes that reach beyond the publishing team's own subgraphs. */
    approvals: z
      .object({
        /**
         * Teams whose approval a security-relevant change needs (an authorization directive removed
         * or weakened, @inaccessible removed, a type newly reachable), besides the owners'. Their
         * members approve with the team's own token; they need own no subgraph.
         */
        securityTeams: z.array(z.string().regex(NAME, "team names are lower-case identifiers")).default([]),
      })
      .strict()
      .prefault({}),
    /** Which usage reports count, and how many rows one client may fill. */
    usage: z
      .object({
        /**
         * Client names (the apollographql-client-name header) the registry accepts usage from when the
         * router has no stronger identity for the caller (a trusted document or a verified token).
         */
        registeredClients: z.array(z.string().min(1).max(100)).default([]),
        /** Distinct (operation, client version) pairs kept per client; further ones are summed as "(other operations)". */
        maxOperationsPerClient: z.number().int().positive().default(1000),
        /** Distinct clients kept; further ones are summed as "(other clients)". */
        maxClients: z.number().int().positive().default(200),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((file, ctx) => {
    for (const team of file.approvals.securityTeams) {
      if (!file.teams[team])
        ctx.addIssue({ code: "custom", path: ["approvals", "securityTeams"], message: `"${team}" is not a team under teams` });
    }
    const owner = new Map<string, string>();
    for (const [team, { subgraphs }] of Object.entries(file.teams)) {
      for (const subgraph of subgraphs) {
        const other = owner.get(subgraph);
        if (other)
          ctx.addIssue({
            code: "custom",
            path: ["teams", team, "subgraphs"],
            message: `"${subgraph}" is already owned by team "${other}"`,
          });
        owner.set(subgraph, team);
      }
    }
    if (file.checks.usageRetentionHours < file.checks.usageWindowHours) {
      ctx.addIssue({ code: "custom", path: ["checks", "usageRetentionHours"], message: "must be at least usageWindowHours" });
    }
  });

export type RegistryFile = z.output<typeof registryFileSchema>;

const envSchema = z.object({
  PORT: portSchema.default(4010),
  HOST: z.string().min(1).default("127.0.0.1"),
  NODE_ENV: nodeEnvSchema.default("development"),
  LOG_LEVEL: logLevelSchema.default("info"),
  /** postgres://… for PostgreSQL; unset, file:<dir> or memory:// for PGlite. */
  REGISTRY_DATABASE_URL: z.string().optional(),
  /** The teams/tokens file. */
  REGISTRY_CONFIG: z.string().min(1).optional(),
  MIGRATE_ON_START: booleanFlag.optional(),
  /** Imports supergraph.yaml into an empty registry on start (default on in development). */
  IMPORT_ON_START: booleanFlag.optional(),
  /** Overrides checks.usageWindowHours of the file. */
  USAGE_WINDOW_HOURS: z.coerce.number().int().positive().optional(),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(2_000_000),
  /** Longest `?wait=` a supergraph long-poll may ask for, in seconds. */
  LONG_POLL_MAX_SECONDS: z.coerce.number().int().positive().max(300).default(60),
});

/** A token holder: a team (publishes its subgraphs), a router (reads, reports usage) or a viewer (reads only). */
export type Principal = { kind: "team"; team: string } | { kind: "router" } | { kind: "viewer" };

export interface TokenEntry {
  sha256: Buffer;
  principal: Principal;
}

export interface RegistryConfig {
  port: number;
  host: string;
  production: boolean;
  logLevel: string;
  databaseUrl: string | undefined;
  migrateOnStart: boolean;
  importOnStart: boolean;
  maxBodyBytes: number;
  longPollMaxSeconds: number;
  /** Where supergraph.yaml lives, for the bootstrap import. */
  supergraphConfigPath: string;
  /** Team name -> the subgraphs it owns. */
  teams: Record<string, string[]>;
  tokens: TokenEntry[];
  usageWindowHours: number;
  usageRetentionHours: number;
  /** Teams whose approval security-relevant changes need. */
  securityTeams: string[];
  /** Client names usage is accepted from without a router-verified identity. */
  registeredClients: string[];
  maxOperationsPerClient: number;
  maxClients: number;
}

/** `identity` -> REGISTRY_TOKEN_IDENTITY; `web-shop` -> REGISTRY_TOKEN_WEB_SHOP. */
export const teamTokenVar = (team: string) => `REGISTRY_TOKEN_${team.toUpperCase().replace(/-/g, "_")}`;
export const ROUTER_TOKEN_VAR = "REGISTRY_ROUTER_TOKEN";
/** A read-only token, for the console and other readers. */
export const VIEWER_TOKEN_VAR = "REGISTRY_VIEWER_TOKEN";

/** sha256 of a token; only hashes are kept and compared. */
export function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

export function readRegistryFile(file: string): RegistryFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8")) ?? {};
  } catch (error) {
    throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`], "registry");
  }
  return parseConfig(registryFileSchema, raw, `registry (${path.relative(process.cwd(), file) || file})`);
}

/** Builds the config from the environment and the teams file; throws ConfigError listing every problem. */
export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  const parsed = parseConfig(envSchema, env, "registry");
  const file = readRegistryFile(parsed.REGISTRY_CONFIG ? path.resolve(parsed.REGISTRY_CONFIG) : defaultRegistryFile);
  return { ...buildConfig(parsed, file, env), ...overrides };
}

/** The same from a teams file already read (YAML parsed to a plain object). */
export function registryConfigFrom(env: NodeJS.ProcessEnv, file: unknown): RegistryConfig {
  return buildConfig(parseConfig(envSchema, env, "registry"), parseConfig(registryFileSchema, file, "registry file"), env);
}

function buildConfig(parsed: z.output<typeof envSchema>, file: RegistryFile, env: NodeJS.ProcessEnv): RegistryConfig {
  const production = parsed.NODE_ENV === "production";
  const problems: string[] = [];
  const tokens: TokenEntry[] = [];
  const fromEnv = (variable: string, principal: Principal) => {
    const token = env[variable];
    if (token === undefined || token === "") return;
    // Name the variable, never the value.
    if (token.length < MIN_TOKEN_LENGTH) problems.push(`${variable}: tokens must be at least ${MIN_TOKEN_LENGTH} characters`);
    else tokens.push({ sha256: sha256(token), principal });
  };
  for (const [team, entry] of Object.entries(file.teams)) {
    for (const hex of entry.tokenSha256) tokens.push({ sha256: Buffer.from(hex, "hex"), principal: { kind: "team", team } });
    fromEnv(teamTokenVar(team), { kind: "team", team });
  }
  for (const hex of file.routers.tokenSha256) tokens.push({ sha256: Buffer.from(hex, "hex"), principal: { kind: "router" } });
  fromEnv(ROUTER_TOKEN_VAR, { kind: "router" });
  for (const hex of file.viewers.tokenSha256) tokens.push({ sha256: Buffer.from(hex, "hex"), principal: { kind: "viewer" } });
  fromEnv(VIEWER_TOKEN_VAR, { kind: "viewer" });
  const usageWindowHours = parsed.USAGE_WINDOW_HOURS ?? file.checks.usageWindowHours;
  if (usageWindowHours > file.checks.usageRetentionHours)
    problems.push(`USAGE_WINDOW_HOURS: must not exceed checks.usageRetentionHours (${file.checks.usageRetentionHours})`);
  if (problems.length) throw new ConfigError(problems, "registry");
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    production,
    logLevel: parsed.LOG_LEVEL,
    databaseUrl: parsed.REGISTRY_DATABASE_URL,
    migrateOnStart: parsed.MIGRATE_ON_START ?? !production,
    importOnStart: parsed.IMPORT_ON_START ?? !production,
    maxBodyBytes: parsed.MAX_BODY_BYTES,
    longPollMaxSeconds: parsed.LONG_POLL_MAX_SECONDS,
    supergraphConfigPath: path.join(repoRoot, "supergraph.yaml"),
    teams: Object.fromEntries(Object.entries(file.teams).map(([team, entry]) => [team, entry.subgraphs])),
    tokens,
    usageWindowHours,
    usageRetentionHours: file.checks.usageRetentionHours,
    securityTeams: file.approvals.securityTeams,
    registeredClients: file.usage.registeredClients,
    maxOperationsPerClient: file.usage.maxOperationsPerClient,
    maxClients: file.usage.maxClients,
  };
}

/** The team that owns `subgraph` by the config, if any. */
export function ownerOf(config: Pick<RegistryConfig, "teams">, subgraph: string): string | undefined {
  return Object.entries(config.teams).find(([, subgraphs]) => subgraphs.includes(subgraph))?.[0];
}
