import { EventEmitter } from "node:events";
import { composeSubgraphs } from "@store/composition";
import type { Logger } from "@store/service-kit";
import { apiSchemaOf } from "./api-schema.ts";
import { authorizePublish } from "./auth.ts";
import { runCheck, type CheckReport } from "./checks.ts";
import { ownerOf, type Principal, type RegistryConfig } from "./config.ts";
import type { RegistryPrisma } from "./data/prisma.ts";
import * as store from "./data/store.ts";
import { anyUsageSince, pruneUsage, recordUsage, usageOf, type UsageReport } from "./data/usage.ts";
import { RegistryError } from "./errors.ts";
import type { RegistryMetrics } from "./metrics.ts";
import { diffSchemas } from "./schema-diff.ts";

/** The registry's operations, independent of HTTP: checks, publishes, the inventory, usage. */

export interface SchemaInput {
  sdl: string;
  /** Required when the subgraph is new; otherwise defaults to its current URL. */
  routingUrl?: string | undefined;
}

export interface CheckInput extends SchemaInput {
  strict?: boolean | undefined;
  /** Overrides the configured window, up to the retention. */
  usageWindowHours?: number | undefined;
}

export interface PublishInput extends SchemaInput {
  /** Who or what published, as the publisher says (a person, a CI job); recorded, not trusted. */
  author?: string | undefined;
}

export type PublishResult =
  | { status: "published"; supergraphVersion: number; subgraphVersion: number; check: CheckReport }
  | { status: "unchanged"; supergraphVersion: number; subgraphVersion: number };

const HOUR_MS = 3_600_000;
/** Placeholder URL when checking a subgraph the registry does not know yet without one. */
const UNKNOWN_URL = "http://unknown.invalid/graphql";
/** Prune old usage at most this often. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** How often a long-poll looks at the database too, for versions written by another replica. */
const POLL_DATABASE_MS = 1000;

export interface RegistryDeps {
  prisma: RegistryPrisma;
  config: RegistryConfig;
  logger: Logger;
  metrics: RegistryMetrics;
  /** The clock, so tests can record usage "in the past". */
  now?: () => Date;
}

export function createRegistry({ prisma, config, logger, metrics, now = () => new Date() }: RegistryDeps) {
  const published = new EventEmitter();
  published.setMaxListeners(0);
  // One publish at a time in this process; the version keys catch concurrent replicas.
  let publishQueue: Promise<unknown> = Promise.resolve();
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const next = publishQueue.then(work, work);
    publishQueue = next.catch(() => undefined);
    return next;
  };
  let lastPrune = 0;

  function windowOf(hours: number | undefined) {
    const windowHours = hours ?? config.usageWindowHours;
    if (windowHours > config.usageRetentionHours) {
      throw new RegistryError("BAD_USER_INPUT", `usageWindowHours must not exceed the ${config.usageRetentionHours} hours usage is kept.`);
    }
    return { windowHours, since: new Date(now().getTime() - windowHours * HOUR_MS) };
  }

  async function loadState() {
    const [current, latest] = await Promise.all([store.currentSubgraphs(prisma), store.latestSupergraph(prisma)]);
    return { current, latest };
  }

  async function check(subgraph: string, input: CheckInput, { current, latest }: Awaited<ReturnType<typeof loadState>>) {
    const existing = current.find((s) => s.name === subgraph);
    const { windowHours, since } = windowOf(input.usageWindowHours);
    const outcome = await runCheck(
      current,
      latest?.sdl,
      { subgraph, sdl: input.sdl, routingUrl: input.routingUrl ?? existing?.routingUrl ?? UNKNOWN_URL },
      { operationsUsing: (coordinates) => usageOf(prisma, coordinates, since), anyRecorded: () => anyUsageSince(prisma, since) },
      { strict: input.strict ?? false, windowHours, since },
    );
    return outcome;
  }

  function outcomeLabel(report: CheckReport) {
    if (!report.composition.ok) return "composition_failed";
    return report.ok ? "passed" : "breaking";
  }

  return {
    published,

    async check(subgraph: string, input: CheckInput): Promise<CheckReport> {
      const { report } = await check(subgraph, input, await loadState());
      metrics.checks.inc({ outcome: outcomeLabel(report) });
      return report;
    },

    async publish(principal: Principal, subgraph: string, input: PublishInput): Promise<PublishResult> {
      const team = authorizePublish(config, principal, subgraph);
      return serialize(async () => {
        const state = await loadState();
        const { current, latest } = state;
        const existing = current.find((s) => s.name === subgraph);
        const routingUrl = input.routingUrl ?? existing?.routingUrl;
        if (!routingUrl) throw new RegistryError("BAD_USER_INPUT", `Subgraph "${subgraph}" is new: give its routing URL (routingUrl).`);
        if (existing && latest && existing.sdlHash === store.sdlHash(input.sdl) && existing.routingUrl === routingUrl) {
          metrics.publishes.inc({ outcome: "unchanged" });
          return { status: "unchanged", supergraphVersion: latest.version, subgraphVersion: existing.version };
        }
        const { report, supergraphSdl } = await check(subgraph, { ...input, routingUrl }, state);
        if (!report.composition.ok) {
          metrics.publishes.inc({ outcome: "composition_failed" });
          throw new RegistryError("COMPOSITION_FAILED", `Subgraph "${subgraph}" does not compose with the rest of the graph (${report.composition.errors.length} error(s)); nothing was published.`, { check: report });
        }
        if (!report.ok) {
          metrics.publishes.inc({ outcome: "breaking" });
          const ops = report.affectedOperations.map((o) => `${o.operationName} (${o.clientName})`).join(", ");
          const reason = report.affectedOperations.length ? `it breaks operations in use: ${ops}` : "strict mode: it breaks the schema";
          throw new RegistryError("BREAKING_CHANGE", `Subgraph "${subgraph}" has ${report.summary.blocking} breaking change(s); ${reason}. Nothing was published.`, { check: report });
        }
        try {
          const { supergraph, subgraphVersion } = await store.recordVersion(prisma, {
            subgraph,
            team,
            routingUrl,
            sdl: input.sdl,
            supergraphSdl: supergraphSdl!,
            publishedBy: team,
            author: input.author,
            basedOn: latest?.version ?? 0,
            otherVersionIds: current.filter((s) => s.name !== subgraph).map((s) => s.versionId),
            previousSubgraphVersion: existing?.version ?? 0,
          });
          metrics.publishes.inc({ outcome: "published" });
          metrics.supergraphVersion.set(supergraph.version);
          logger.info({ subgraph, team, subgraphVersion: subgraphVersion.version, supergraphVersion: supergraph.version, changes: report.changes.length }, "published");
          published.emit("version", supergraph.version);
          return { status: "published", supergraphVersion: supergraph.version, subgraphVersion: subgraphVersion.version, check: report };
        } catch (error) {
          if (error instanceof store.ConcurrentChangeError) {
            metrics.publishes.inc({ outcome: "conflict" });
            throw new RegistryError("CONFLICT", `${error.message} Run the publish again.`);
          }
          throw error;
        }
      });
    },

    /** Bootstrap: every subgraph of supergraph.yaml as version 1, into an empty registry only. */
    importSubgraphs(subgraphs: Array<{ name: string; routingUrl: string; sdl: string }>, publishedBy = "import") {
      return serialize(async () => {
        const existing = await store.countSupergraphVersions(prisma);
        if (existing > 0) throw new RegistryError("CONFLICT", `The registry already has ${existing} supergraph version(s); import only fills an empty registry.`);
        const unowned = subgraphs.filter((s) => !ownerOf(config, s.name)).map((s) => s.name);
        if (unowned.length) throw new RegistryError("BAD_USER_INPUT", `No team owns ${unowned.join(", ")} in the registry's config; add them under a team first.`);
        const composed = composeSubgraphs(subgraphs.map((s) => ({ name: s.name, url: s.routingUrl, sdl: s.sdl })));
        if (!composed.ok) throw new RegistryError("COMPOSITION_FAILED", "The subgraphs to import do not compose.", { errors: composed.errors });
        const supergraph = await store.recordImport(
          prisma,
          subgraphs.map((s) => ({ ...s, team: ownerOf(config, s.name)! })),
          composed.supergraphSdl,
          publishedBy,
        );
        metrics.supergraphVersion.set(supergraph.version);
        published.emit("version", supergraph.version);
        return supergraph;
      });
    },

    listSubgraphs: () => store.listSubgraphs(prisma),

    async subgraph(name: string) {
      const found = await store.subgraphWithHistory(prisma, name);
      if (!found) throw new RegistryError("NOT_FOUND", `No subgraph "${name}" in the registry.`);
      return found;
    },

    async subgraphVersion(name: string, version: number) {
      const found = await store.subgraphVersion(prisma, name, version);
      if (!found) throw new RegistryError("NOT_FOUND", `Subgraph "${name}" has no version ${version}.`);
      return found;
    },

    latestSupergraph: () => store.latestSupergraph(prisma),

    async supergraphVersion(version: number) {
      const found = await store.supergraphVersion(prisma, version);
      if (!found) throw new RegistryError("NOT_FOUND", `No supergraph version ${version}.`);
      return found;
    },

    listSupergraphVersions: (limit: number) => store.listSupergraphVersions(prisma, limit),

    /** Changes to the client-facing schema and to subgraph versions between two supergraph versions. */
    async diff(from: number | undefined, to: number | undefined) {
      const latest = await store.latestSupergraphHead(prisma);
      if (!latest) throw new RegistryError("NOT_FOUND", "The registry has no supergraph yet.");
      const toVersion = to ?? latest.version;
      const fromVersion = from ?? toVersion - 1;
      if (fromVersion < 1) throw new RegistryError("BAD_USER_INPUT", `Version ${toVersion} is the first: give a version to compare it with.`);
      const [a, b] = await Promise.all([store.supergraphVersion(prisma, fromVersion), store.supergraphVersion(prisma, toVersion)]);
      if (!a) throw new RegistryError("NOT_FOUND", `No supergraph version ${fromVersion}.`);
      if (!b) throw new RegistryError("NOT_FOUND", `No supergraph version ${toVersion}.`);
      const changes = diffSchemas(apiSchemaOf(a.sdl), apiSchemaOf(b.sdl)).map(({ usage: _usage, ...change }) => change);
      const before = new Map(a.subgraphs.map((s) => [s.name, s]));
      const after = new Map(b.subgraphs.map((s) => [s.name, s]));
      const subgraphs = [...new Set([...before.keys(), ...after.keys()])].sort().flatMap((name) => {
        const x = before.get(name);
        const y = after.get(name);
        if (x && y && x.version === y.version) return [];
        return [{ name, fromVersion: x?.version ?? null, toVersion: y?.version ?? null, routingUrlChanged: !!x && !!y && x.routingUrl !== y.routingUrl }];
      });
      return { from: fromVersion, to: toVersion, subgraphs, changes };
    },

    async recordUsage(reports: UsageReport[]) {
      const clock = now();
      // A router's clock a little ahead must not create rows "in the future" that outlive the window.
      const clamped = reports.map((r) => (r.timestamp > clock ? { ...r, timestamp: clock } : r));
      const rows = await recordUsage(prisma, clamped);
      metrics.usageReports.inc(reports.length);
      if (clock.getTime() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = clock.getTime();
        const pruned = await pruneUsage(prisma, new Date(clock.getTime() - config.usageRetentionHours * HOUR_MS));
        if (pruned) logger.info({ pruned }, "deleted usage older than the retention");
      }
      return rows;
    },

    /**
     * Resolves with the latest version once its hash differs from `knownHash`, or with undefined
     * when `timeoutMs` passes (or `signal` aborts) first.
     */
    async waitForChange(knownHash: string, timeoutMs: number, signal: AbortSignal) {
      const deadline = Date.now() + timeoutMs;
      while (!signal.aborted) {
        const head = await store.latestSupergraphHead(prisma);
        if (head && head.sdlHash !== knownHash) return head;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return undefined;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            published.off("version", done);
            signal.removeEventListener("abort", done);
            resolve();
          };
          const timer = setTimeout(done, Math.min(remaining, POLL_DATABASE_MS));
          published.once("version", done);
          signal.addEventListener("abort", done, { once: true });
        });
      }
      return undefined;
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
