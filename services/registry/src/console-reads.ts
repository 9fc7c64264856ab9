import type { CheckReport } from "./checks.ts";
import type { Principal, RegistryConfig } from "./config.ts";
import * as reads from "./data/console.ts";
import type { RegistryPrisma } from "./data/prisma.ts";
import * as store from "./data/store.ts";
import { RegistryError } from "./errors.ts";
import { graphInventory, policyChanges } from "./graph-inventory.ts";
import { apiSchemaOf } from "./api-schema.ts";
import { diffSchemas } from "./schema-diff.ts";
import { securityChanges } from "./security-diff.ts";

/**
 * The reads behind the console's pages (history diffs, checks, usage, policy, search, routers),
 * beside the registry's own operations so the publish path stays as it was.
 */

const HOUR_MS = 3_600_000;
/** A router replica that has not reported for this long is no longer listed. */
const ROUTER_STALE_MS = 24 * HOUR_MS;
/** Supergraph versions the policy history walks back through. */
const POLICY_HISTORY_VERSIONS = 50;

export function createConsoleReads({
  prisma,
  config,
  now = () => new Date(),
}: {
  prisma: RegistryPrisma;
  config: RegistryConfig;
  now?: () => Date;
}) {
  function windowOf(hours: number | undefined) {
    const windowHours = hours ?? config.usageWindowHours;
    if (windowHours > config.usageRetentionHours)
      throw new RegistryError("BAD_USER_INPUT", `windowHours must not exceed the ${config.usageRetentionHours} hours usage is kept.`);
    return { windowHours, since: new Date(now().getTime() - windowHours * HOUR_MS) };
  }

  const requesterOf = (principal: Principal) => (principal.kind === "team" ? principal.team : principal.kind);

  return {
    recordCheck: (principal: Principal, subgraph: string, sdl: string, report: CheckReport) =>
      reads.recordCheck(prisma, { subgraph, requestedBy: requesterOf(principal), sdlHash: store.sdlHash(sdl), report }),

    listChecks: (limit: number, subgraph?: string) => reads.listChecks(prisma, limit, subgraph),

    /** What one supergraph version changed for clients, and which of its changes let more callers see more. */
    async supergraphChanges(version: number) {
      const after = await store.supergraphVersion(prisma, version);
      if (!after) throw new RegistryError("NOT_FOUND", `No supergraph version ${version}.`);
      const before = version > 1 ? await store.supergraphVersion(prisma, version - 1) : null;
      const changes = before ? diffSchemas(apiSchemaOf(before.sdl), apiSchemaOf(after.sdl)).map(({ usage: _usage, ...c }) => c) : [];
      return {
        version,
        previous: before?.version ?? null,
        subgraphName: after.subgraphName,
        subgraphVersion: after.subgraphVersion,
        changes,
        securityChanges: before ? securityChanges(before.sdl, after.sdl) : [],
      };
    },

    async usageSummary(hours: number | undefined, client: string | undefined) {
      const { windowHours, since } = windowOf(hours);
      const [counts, coordinates, latest, allClients] = await Promise.all([
        reads.operationCounts(prisma, since, client),
        reads.coordinateCounts(prisma, since, client),
        store.latestSupergraph(prisma),
        client ? reads.operationCounts(prisma, since) : undefined,
      ]);
      const operations = new Map<string, { operationName: string; clientName: string; count: number }>();
      const hourly = new Map<string, { hour: string; clientName: string; count: number }>();
      for (const row of counts) {
        const key = JSON.stringify([row.operationName, row.clientName]);
        const op =
          operations.get(key) ?? operations.set(key, { operationName: row.operationName, clientName: row.clientName, count: 0 }).get(key)!;
        op.count += row.count;
        const hour = row.hour.toISOString();
        const hk = JSON.stringify([hour, row.clientName]);
        (hourly.get(hk) ?? hourly.set(hk, { hour, clientName: row.clientName, count: 0 }).get(hk)!).count += row.count;
      }
      const fieldCoordinates = latest ? graphInventory(latest.sdl).map((f) => f.coordinate) : [];
      return {
        windowHours,
        since: since.toISOString(),
        clients: [...new Set((allClients ?? counts).map((r) => r.clientName))].sort(),
        operations: [...operations.values()].sort((a, b) => b.count - a.count || a.operationName.localeCompare(b.operationName)),
        fields: [...coordinates]
          .map(([coordinate, count]) => ({ coordinate, count }))
          .sort((a, b) => b.count - a.count || a.coordinate.localeCompare(b.coordinate)),
        unusedFields: fieldCoordinates.filter((c) => !coordinates.has(c)),
        hourly: [...hourly.values()].sort((a, b) => a.hour.localeCompare(b.hour) || a.clientName.localeCompare(b.clientName)),
      };
    },

    /** Every field of the current client-facing schema with its subgraphs, their teams, its access rules and its usage. */
    async graphFields(hours: number | undefined) {
      const { windowHours, since } = windowOf(hours);
      const [latest, current, usage] = await Promise.all([
        store.latestSupergraph(prisma),
        store.listSubgraphs(prisma),
        reads.coordinateCounts(prisma, since),
      ]);
      if (!latest) throw new RegistryError("NOT_FOUND", "The registry has no supergraph yet.");
      const teamOf = new Map(current.map((s) => [s.name, s.team]));
      const fields = graphInventory(latest.sdl).map((f) => ({
        ...f,
        teams: [...new Set(f.subgraphs.map((s) => teamOf.get(s) ?? "(unknown)"))].sort(),
        usage: usage.get(f.coordinate) ?? 0,
      }));
      return { supergraphVersion: latest.version, windowHours, fields };
    },

    /** How fields' access rules changed, newest version first, over the latest versions. */
    async policyHistory(limit: number) {
      const versions = await prisma.supergraphVersion.findMany({
        orderBy: { version: "desc" },
        take: POLICY_HISTORY_VERSIONS + 1,
        select: { version: true, sdl: true, createdAt: true, subgraphName: true, publishedBy: true },
      });
      const changes = [];
      for (let i = 0; i < versions.length - 1; i++) {
        const after = versions[i]!;
        const before = versions[i + 1]!;
        for (const change of policyChanges(before.sdl, after.sdl)) {
          changes.push({
            version: after.version,
            createdAt: after.createdAt.toISOString(),
            subgraphName: after.subgraphName,
            publishedBy: after.publishedBy,
            ...change,
          });
        }
      }
      return changes.slice(0, limit);
    },

    recordRouterReport: (report: Parameters<typeof reads.recordRouterReport>[1]) => reads.recordRouterReport(prisma, report, now()),
    listRouters: () => reads.listRouterReports(prisma, new Date(now().getTime() - ROUTER_STALE_MS)),
  };
}

export type ConsoleReads = ReturnType<typeof createConsoleReads>;
