import { Prisma } from "../generated/prisma/client.ts";
import type { RegistryPrisma } from "./prisma.ts";

/**
 * Field usage reported by routers, kept as one row per hour, coordinate, operation and client with a
 * running count, so storage grows with the variety of traffic rather than its volume.
 */

export interface UsageReport {
  operationName: string;
  clientName: string;
  clientVersion: string;
  coordinates: string[];
  count: number;
  timestamp: Date;
}

export interface OperationUsage {
  operationName: string;
  clientName: string;
  clientVersion: string;
  /** Requests seen in the window. */
  count: number;
  /** Start of the last hour it was seen in. */
  lastSeen: Date;
  /** The coordinates it used that the change affects. */
  coordinates: string[];
}

const HOUR_MS = 3_600_000;
/** Rows per INSERT: 6 parameters each, well under PostgreSQL's 65535. */
const ROWS_PER_STATEMENT = 1000;

export const hourOf = (date: Date) => new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);

/** Adds the reports' counts; returns how many (hour, coordinate, operation, client) rows it touched. */
export async function recordUsage(prisma: RegistryPrisma, reports: UsageReport[]): Promise<number> {
  // Summed first: one statement may not update the same row twice.
  const rows = new Map<string, [Date, string, string, string, string, number]>();
  for (const report of reports) {
    const hour = hourOf(report.timestamp);
    for (const coordinate of new Set(report.coordinates)) {
      const key = JSON.stringify([hour.getTime(), coordinate, report.operationName, report.clientName, report.clientVersion]);
      const row = rows.get(key);
      if (row) row[5] += report.count;
      else rows.set(key, [hour, coordinate, report.operationName, report.clientName, report.clientVersion, report.count]);
    }
  }
  const all = [...rows.values()];
  for (let start = 0; start < all.length; start += ROWS_PER_STATEMENT) {
    const chunk = all.slice(start, start + ROWS_PER_STATEMENT);
    const values = Prisma.join(chunk.map(([hour, coordinate, op, client, version, count]) => Prisma.sql`(${hour}, ${coordinate}, ${op}, ${client}, ${version}, ${BigInt(count)})`));
    await prisma.$executeRaw`
      INSERT INTO "FieldUsage" ("hour", "coordinate", "operationName", "clientName", "clientVersion", "count")
      VALUES ${values}
      ON CONFLICT ("hour", "coordinate", "operationName", "clientName", "clientVersion")
      DO UPDATE SET "count" = "FieldUsage"."count" + EXCLUDED."count"`;
  }
  return all.length;
}

/**
 * Operations seen since `since` that use any of `coordinates` (an entry ending in "." means every
 * coordinate of that type), one entry per operation and client.
 */
export async function usageOf(prisma: RegistryPrisma, coordinates: string[], since: Date): Promise<OperationUsage[]> {
  if (coordinates.length === 0) return [];
  const exact = coordinates.filter((c) => !c.endsWith("."));
  const prefixes = coordinates.filter((c) => c.endsWith("."));
  const groups = await prisma.fieldUsage.groupBy({
    by: ["operationName", "clientName", "clientVersion", "coordinate"],
    where: {
      hour: { gte: hourOf(since) },
      OR: [...(exact.length ? [{ coordinate: { in: exact } }] : []), ...prefixes.map((p) => ({ coordinate: { startsWith: p } }))],
    },
    _sum: { count: true },
    _max: { hour: true },
  });
  const byOperation = new Map<string, OperationUsage>();
  for (const g of groups) {
    const key = JSON.stringify([g.operationName, g.clientName, g.clientVersion]);
    let entry = byOperation.get(key);
    if (!entry) {
      entry = { operationName: g.operationName, clientName: g.clientName, clientVersion: g.clientVersion, count: 0, lastSeen: g._max.hour!, coordinates: [] };
      byOperation.set(key, entry);
    }
    // The same requests count once per coordinate they used: an operation's count is its busiest coordinate's.
    entry.count = Math.max(entry.count, Number(g._sum.count ?? 0));
    if (g._max.hour! > entry.lastSeen) entry.lastSeen = g._max.hour!;
    entry.coordinates.push(g.coordinate);
  }
  return [...byOperation.values()].sort((a, b) => b.count - a.count || a.operationName.localeCompare(b.operationName));
}

/** Whether any usage at all was recorded since `since`: without it, "unused" means "unknown". */
export async function anyUsageSince(prisma: RegistryPrisma, since: Date): Promise<boolean> {
  return (await prisma.fieldUsage.findFirst({ where: { hour: { gte: hourOf(since) } }, select: { hour: true } })) !== null;
}

export async function pruneUsage(prisma: RegistryPrisma, before: Date): Promise<number> {
  return (await prisma.fieldUsage.deleteMany({ where: { hour: { lt: hourOf(before) } } })).count;
}
