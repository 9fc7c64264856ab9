import type { CheckReport } from "../checks.ts";
import { Prisma, type RegistryPrisma } from "./prisma.ts";
import { hourOf } from "./usage.ts";

/** What the console reads and the few things only it needs kept: recent checks and router replicas' reports. */

/** Checks kept; older ones are deleted as new ones arrive. */
export const CHECKS_KEPT = 500;

export async function recordCheck(
  prisma: RegistryPrisma,
  check: { subgraph: string; requestedBy: string; sdlHash: string; report: CheckReport },
): Promise<void> {
  const row = await prisma.checkRun.create({
    data: {
      subgraphName: check.subgraph,
      requestedBy: check.requestedBy,
      sdlHash: check.sdlHash,
      ok: check.report.ok,
      report: check.report as unknown as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  if (row.id > CHECKS_KEPT) await prisma.checkRun.deleteMany({ where: { id: { lte: row.id - CHECKS_KEPT } } });
}

export async function listChecks(prisma: RegistryPrisma, limit: number, subgraph?: string) {
  const rows = await prisma.checkRun.findMany({
    where: subgraph ? { subgraphName: subgraph } : {},
    orderBy: { id: "desc" },
    take: limit,
  });
  return rows.map((r) => ({
    id: r.id,
    subgraph: r.subgraphName,
    requestedBy: r.requestedBy,
    ok: r.ok,
    createdAt: r.createdAt.toISOString(),
    report: r.report as unknown as CheckReport,
  }));
}

export interface OperationCount {
  hour: Date;
  operationName: string;
  clientName: string;
  count: number;
}

/**
 * Requests per hour, operation and client since `since`. Each request adds its count to every
 * coordinate it used, so an operation's requests in an hour are the largest count among its rows,
 * not their sum.
 */
export async function operationCounts(prisma: RegistryPrisma, since: Date, client?: string): Promise<OperationCount[]> {
  const rows = await prisma.$queryRaw<Array<{ hour: Date; operationName: string; clientName: string; count: bigint }>>`
    SELECT "hour", "operationName", "clientName", SUM("requests")::bigint AS "count" FROM (
      SELECT "hour", "operationName", "clientName", "clientVersion", MAX("count") AS "requests"
      FROM "FieldUsage"
      WHERE "hour" >= ${hourOf(since)} ${client ? Prisma.sql`AND "clientName" = ${client}` : Prisma.empty}
      GROUP BY "hour", "operationName", "clientName", "clientVersion"
    ) AS per_version
    GROUP BY "hour", "operationName", "clientName"
    ORDER BY "hour"`;
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** Requests that used each coordinate since `since`. */
export async function coordinateCounts(prisma: RegistryPrisma, since: Date, client?: string): Promise<Map<string, number>> {
  const groups = await prisma.fieldUsage.groupBy({
    by: ["coordinate"],
    where: { hour: { gte: hourOf(since) }, ...(client && { clientName: client }) },
    _sum: { count: true },
  });
  return new Map(groups.map((g) => [g.coordinate, Number(g._sum.count ?? 0)]));
}

export async function recordRouterReport(
  prisma: RegistryPrisma,
  report: {
    replicaId: string;
    supergraphVersion: number | null;
    supergraphHash: string | null;
    subgraphs: Array<{ name: string; healthy: boolean; checkedAt: string }>;
  },
  at: Date,
): Promise<void> {
  const data = {
    supergraphVersion: report.supergraphVersion,
    supergraphHash: report.supergraphHash,
    subgraphs: report.subgraphs as unknown as Prisma.InputJsonValue,
    reportedAt: at,
  };
  await prisma.routerReport.upsert({
    where: { replicaId: report.replicaId },
    create: { replicaId: report.replicaId, ...data },
    update: data,
  });
}

export async function listRouterReports(prisma: RegistryPrisma, since: Date) {
  const rows = await prisma.routerReport.findMany({ where: { reportedAt: { gte: since } }, orderBy: { replicaId: "asc" } });
  return rows.map((r) => ({
    replicaId: r.replicaId,
    supergraphVersion: r.supergraphVersion,
    supergraphHash: r.supergraphHash,
    subgraphs: (r.subgraphs as Array<{ name: string; healthy: boolean; checkedAt: string }>).map((s) => ({
      name: s.name,
      healthy: s.healthy,
      checkedAt: new Date(s.checkedAt).toISOString(),
    })),
    reportedAt: r.reportedAt.toISOString(),
  }));
}
