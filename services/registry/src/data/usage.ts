import { Prisma, type RegistryPrisma } from "./prisma.ts";

/**
 * Field usage reported by routers, kept as one row per hour, coordinate, operation and client with a
 * running count, so storage grows with the variety of traffic rather than its volume; that variety
 * is capped per client and in clients (UsageBounds).
 */

export interface UsageReport {
  operationName: string;
  clientName: string;
  clientVersion: string;
  coordinates: string[];
  count: number;
  timestamp: Date;
}

/** Caps on the variety one client, and all clients, can add; beyond them usage is summed into one bucket. */
export interface UsageBounds {
  maxOperationsPerClient: number;
  maxClients: number;
}

export const OTHER_OPERATIONS = "(other operations)";
export const OTHER_CLIENTS = "(other clients)";

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

/**
 * Folds reports past the bounds into the overflow buckets: a client beyond maxClients becomes
 * "(other clients)", an (operation, version) pair beyond a client's maxOperationsPerClient becomes
 * "(other operations)". The counts stay, so the fields are still seen as used by that client.
 */
async function bounded(prisma: RegistryPrisma, reports: UsageReport[], bounds: UsageBounds): Promise<UsageReport[]> {
  if (reports.length === 0) return reports;
  const clients = [...new Set([...reports.map((r) => r.clientName), OTHER_CLIENTS])];
  const [knownClients, knownOperations] = await Promise.all([
    prisma.$queryRaw<Array<{ clientName: string }>>`SELECT DISTINCT "clientName" FROM "FieldUsage" LIMIT ${bounds.maxClients + 1}`,
    prisma.$queryRaw<Array<{ clientName: string; operationName: string; clientVersion: string }>>`
      SELECT DISTINCT "clientName", "operationName", "clientVersion" FROM "FieldUsage" WHERE "clientName" IN (${Prisma.join(clients)})`,
  ]);
  const seenClients = new Set(knownClients.map((c) => c.clientName).filter((c) => c !== OTHER_CLIENTS));
  const operationsOf = new Map<string, Set<string>>();
  const operations = (client: string) => operationsOf.get(client) ?? operationsOf.set(client, new Set()).get(client)!;
  for (const row of knownOperations)
    if (row.operationName !== OTHER_OPERATIONS) operations(row.clientName).add(JSON.stringify([row.operationName, row.clientVersion]));
  return reports.map((report) => {
    let { clientName, operationName, clientVersion } = report;
    if (!seenClients.has(clientName)) {
      if (seenClients.size < bounds.maxClients) seenClients.add(clientName);
      else clientName = OTHER_CLIENTS;
    }
    const known = operations(clientName);
    const key = JSON.stringify([operationName, clientVersion]);
    if (!known.has(key)) {
      if (known.size < bounds.maxOperationsPerClient) known.add(key);
      else [operationName, clientVersion] = [OTHER_OPERATIONS, ""];
    }
    return { ...report, clientName, operationName, clientVersion };
  });
}

/** Adds the reports' counts within the bounds; returns how many (hour, coordinate, operation, client) rows it touched. */
export async function recordUsage(prisma: RegistryPrisma, incoming: UsageReport[], bounds: UsageBounds): Promise<number> {
  const reports = await bounded(prisma, incoming, bounds);
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
    const values = Prisma.join(
      chunk.map(
        ([hour, coordinate, op, client, version, count]) =>
          Prisma.sql`(${hour}, ${coordinate}, ${op}, ${client}, ${version}, ${BigInt(count)})`,
      ),
    );
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
      entry = {
        operationName: g.operationName,
        clientName: g.clientName,
        clientVersion: g.clientVersion,
        count: 0,
        lastSeen: g._max.hour!,
        coordinates: [],
      };
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
