import { EventEmitter } from "node:events";
import { composeSubgraphs } from "@store/composition";
import type { ApproveBody, CheckBody, IdentifiedBy, PublishBody } from "@store/registry-api";
import type { Logger } from "@store/service-kit";
import { apiSchemaOf } from "./api-schema.ts";
import { approvalRoles, type TrustContext } from "./approvals.ts";
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

export type PublishResult =
  | {
      status: "published";
      supergraphVersion: number;
      subgraphVersion: number;
      check: CheckReport;
      forced?: { reason: string; changes: string[] };
    }
  | { status: "unchanged"; supergraphVersion: number; subgraphVersion: number };

/** A usage report as a router sends it: `identifiedBy` says how the router knows the client. */
export type IncomingUsageReport = UsageReport & { identifiedBy?: IdentifiedBy | undefined };

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
  // Usage batches one at a time in this process, so the per-client bounds are not raced past.
  let usageQueue: Promise<unknown> = Promise.resolve();
  const serializeUsage = <T>(work: () => Promise<T>): Promise<T> => {
    const next = usageQueue.then(work, work);
    usageQueue = next.catch(() => undefined);
    return next;
  };

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

  /** The config owns subgraphs; a stored team is only the fallback for one the config dropped. */
  async function trustFor(subgraph: string, sdl: string, current: store.CurrentSubgraph[]): Promise<TrustContext> {
    const stored = new Map(current.map((s) => [s.name, s.team]));
    return {
      publisherTeam: ownerOf(config, subgraph),
      teamOf: (name) => ownerOf(config, name) ?? stored.get(name),
      approvals: await store.approvingTeams(prisma, subgraph, store.sdlHash(sdl)),
      securityTeams: config.securityTeams,
    };
  }

  async function check(subgraph: string, input: CheckBody, { current, latest }: Awaited<ReturnType<typeof loadState>>) {
    const existing = current.find((s) => s.name === subgraph);
    const { windowHours, since } = windowOf(input.usageWindowHours);
    const trust = await trustFor(subgraph, input.sdl, current);
    const outcome = await runCheck(
      current,
      latest?.sdl,
      { subgraph, sdl: input.sdl, routingUrl: input.routingUrl ?? existing?.routingUrl ?? UNKNOWN_URL },
      { operationsUsing: (coordinates) => usageOf(prisma, coordinates, since), anyRecorded: () => anyUsageSince(prisma, since) },
      { strict: input.strict ?? false, windowHours, since },
      trust,
    );
    return { ...outcome, trust };
  }

  /** Refuses a publish whose check found moves or security changes not yet approved. */
  function requireApprovals(subgraph: string, report: CheckReport) {
    const transfers = report.ownershipTransfers.filter((t) => !t.approved);
    if (transfers.length) {
      metrics.publishes.inc({ outcome: "ownership_not_approved" });
      const fields = transfers.map((t) => ({ coordinate: t.coordinate, kind: t.kind, owners: t.owners }));
      const named = fields.map((f) => `${f.coordinate} (team ${[...new Set(f.owners.map((o) => o.team))].join(", ")})`).join(", ");
      throw new RegistryError(
        "OWNERSHIP_TRANSFER_NOT_APPROVED",
        `Subgraph "${subgraph}" would take ${named} from another team's subgraph. The owning team must approve this schema first (\`supergraph approve ${subgraph}\` with its token). Nothing was published.`,
        { fields, check: report },
      );
    }
    const changes = report.securityChanges.filter((c) => !c.approved);
    if (changes.length) {
      metrics.publishes.inc({ outcome: "security_not_approved" });
      const { missingOwners, security } = report.approvals;
      const needs = [
        ...missingOwners.map((t) => `team ${t}`),
        ...(security.approved ? [] : [`a security team (${security.teams.join(", ") || "none configured"})`]),
      ].join(" and ");
      throw new RegistryError(
        "SECURITY_CHANGE_NOT_APPROVED",
        `Subgraph "${subgraph}" has ${changes.length} security-relevant change(s): ${changes.map((c) => `${c.coordinate} (${c.code})`).join(", ")}. It needs the approval of ${needs}. Nothing was published.`,
        {
          changes: changes.map((c) => ({ code: c.code, coordinate: c.coordinate, owners: c.owners })),
          missingOwners,
          securityApprovalMissing: !security.approved,
          check: report,
        },
      );
    }
  }

  function outcomeLabel(report: CheckReport) {
    if (!report.composition.ok) return "composition_failed";
    if (report.ok) return "passed";
    return report.summary.blocking ? "breaking" : "needs_approval";
  }

  return {
    published,

    async check(subgraph: string, input: CheckBody): Promise<CheckReport> {
      const { report } = await check(subgraph, input, await loadState());
      metrics.checks.inc({ outcome: outcomeLabel(report) });
      return report;
    },

    async publish(principal: Principal, subgraph: string, input: PublishBody): Promise<PublishResult> {
      const team = authorizePublish(config, principal, subgraph);
      const reason = input.reason?.trim();
      if (input.force && !reason)
        throw new RegistryError("BAD_USER_INPUT", "A forced publish needs a reason (reason), recorded in the history.");
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
          throw new RegistryError(
            "COMPOSITION_FAILED",
            `Subgraph "${subgraph}" does not compose with the rest of the graph (${report.composition.errors.length} error(s)); nothing was published.`,
            { check: report },
          );
        }
        requireApprovals(subgraph, report);
        const blocking = report.changes.filter((c) => c.blocking);
        if (blocking.length && !input.force) {
          metrics.publishes.inc({ outcome: "breaking" });
          const ops = report.affectedOperations.map((o) => `${o.operationName} (${o.clientName})`).join(", ");
          const why = report.affectedOperations.length ? `it breaks operations in use: ${ops}` : "strict mode: it breaks the schema";
          throw new RegistryError(
            "BREAKING_CHANGE",
            `Subgraph "${subgraph}" has ${report.summary.blocking} breaking change(s); ${why}. Nothing was published. The owning team may force it with a reason (force, reason).`,
            { check: report },
          );
        }
        const forced = blocking.length ? { reason: reason!, changes: [...new Set(blocking.map((c) => c.coordinate))] } : undefined;
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
            forced,
            approvedBy: report.approvals.given,
          });
          metrics.publishes.inc({ outcome: forced ? "forced" : "published" });
          if (forced)
            logger.warn(
              { subgraph, team, author: input.author, reason: forced.reason, changes: forced.changes },
              "forced publish past breaking changes",
            );
          metrics.supergraphVersion.set(supergraph.version);
          logger.info(
            {
              subgraph,
              team,
              subgraphVersion: subgraphVersion.version,
              supergraphVersion: supergraph.version,
              changes: report.changes.length,
            },
            "published",
          );
          published.emit("version", supergraph.version);
          return {
            status: "published",
            supergraphVersion: supergraph.version,
            subgraphVersion: subgraphVersion.version,
            check: report,
            ...(forced && { forced }),
          };
        } catch (error) {
          if (error instanceof store.ConcurrentChangeError) {
            metrics.publishes.inc({ outcome: "conflict" });
            throw new RegistryError("CONFLICT", `${error.message} Run the publish again.`);
          }
          throw error;
        }
      });
    },

    /**
     * A team's approval of one proposed schema: as an owner of fields it moves or exposes, or as a
     * security team. Refused when the change asks nothing of that team.
     */
    async approve(principal: Principal, subgraph: string, input: ApproveBody) {
      if (principal.kind !== "team")
        throw new RegistryError("FORBIDDEN", `${principal.kind === "router" ? "Router" : "Viewer"} tokens cannot approve schemas.`);
      const state = await loadState();
      const existing = state.current.find((s) => s.name === subgraph);
      const routingUrl = input.routingUrl ?? existing?.routingUrl;
      const { report, trust } = await check(subgraph, { sdl: input.sdl, routingUrl }, state);
      if (!report.composition.ok) {
        throw new RegistryError(
          "COMPOSITION_FAILED",
          `Subgraph "${subgraph}" does not compose with the rest of the graph; there is nothing to approve.`,
          { check: report },
        );
      }
      const roles = approvalRoles(report, principal.team, trust);
      if (roles.length === 0) {
        throw new RegistryError(
          "FORBIDDEN",
          `Team "${principal.team}" has nothing to approve in this schema of "${subgraph}": it takes no field from the team's subgraphs, exposes none of them, and needs no security approval from it.`,
        );
      }
      const hash = store.sdlHash(input.sdl);
      await store.recordApproval(prisma, { subgraph, sdlHash: hash, team: principal.team, comment: input.comment });
      logger.info({ subgraph, sdlHash: hash, team: principal.team, roles }, "schema approved");
      const after = await check(subgraph, { sdl: input.sdl, routingUrl }, await loadState());
      return { approval: { subgraph, sdlHash: hash, team: principal.team, roles, comment: input.comment ?? null }, check: after.report };
    },

    /** Bootstrap: every subgraph of supergraph.yaml as version 1, into an empty registry only. */
    importSubgraphs(subgraphs: Array<{ name: string; routingUrl: string; sdl: string }>, publishedBy = "import") {
      return serialize(async () => {
        const existing = await store.countSupergraphVersions(prisma);
        if (existing > 0)
          throw new RegistryError(
            "CONFLICT",
            `The registry already has ${existing} supergraph version(s); import only fills an empty registry.`,
          );
        const unowned = subgraphs.filter((s) => !ownerOf(config, s.name)).map((s) => s.name);
        if (unowned.length)
          throw new RegistryError(
            "BAD_USER_INPUT",
            `No team owns ${unowned.join(", ")} in the registry's config; add them under a team first.`,
          );
        const composed = composeSubgraphs(subgraphs.map((s) => ({ name: s.name, url: s.routingUrl, sdl: s.sdl })));
        if (!composed.ok)
          throw new RegistryError("COMPOSITION_FAILED", "The subgraphs to import do not compose.", { errors: composed.errors });
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
      if (fromVersion < 1)
        throw new RegistryError("BAD_USER_INPUT", `Version ${toVersion} is the first: give a version to compare it with.`);
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
        return [
          {
            name,
            fromVersion: x?.version ?? null,
            toVersion: y?.version ?? null,
            routingUrlChanged: !!x && !!y && x.routingUrl !== y.routingUrl,
          },
        ];
      });
      return { from: fromVersion, to: toVersion, subgraphs, changes };
    },

    /**
     * Keeps usage of identified clients only: a trusted document or a verified token (the router
     * vouches with its token), or a client name the config registers. Anything else is ignored, so
     * made-up operations cannot keep a field "used".
     */
    async recordUsage(reports: IncomingUsageReport[]) {
      const clock = now();
      const registered = new Set(config.registeredClients);
      const identified = reports.filter(
        (r) => r.identifiedBy === "persisted" || r.identifiedBy === "token" || registered.has(r.clientName),
      );
      // A router's clock a little ahead must not create rows "in the future" that outlive the window.
      const clamped = identified.map(({ identifiedBy: _, ...r }) => (r.timestamp > clock ? { ...r, timestamp: clock } : r));
      const rows = await serializeUsage(() =>
        recordUsage(prisma, clamped, { maxClients: config.maxClients, maxOperationsPerClient: config.maxOperationsPerClient }),
      );
      metrics.usageReports.inc(reports.length);
      if (identified.length < reports.length) metrics.usageReportsIgnored.inc(reports.length - identified.length);
      if (clock.getTime() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = clock.getTime();
        const pruned = await pruneUsage(prisma, new Date(clock.getTime() - config.usageRetentionHours * HOUR_MS));
        if (pruned) logger.info({ pruned }, "deleted usage older than the retention");
      }
      return { accepted: identified.length, ignored: reports.length - identified.length, rows };
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
