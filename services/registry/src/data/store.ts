import { createHash } from "node:crypto";
import { isUniqueViolation, type RegistryPrisma } from "./prisma.ts";

/** The graph's inventory: subgraphs, their versions and the composed supergraph versions. */

export const sdlHash = (sdl: string) => createHash("sha256").update(sdl, "utf8").digest("hex");

/** What the history shows of forced publishes and approvals. */
const TRUST_FIELDS = { forceReason: true, forcedChanges: true, approvedBy: true } as const;

export interface CurrentSubgraph {
  name: string;
  team: string;
  routingUrl: string;
  version: number;
  versionId: number;
  sdl: string;
  sdlHash: string;
}

/** Every subgraph with the schema of its current version, in name order. */
export async function currentSubgraphs(prisma: RegistryPrisma): Promise<CurrentSubgraph[]> {
  const subgraphs = await prisma.subgraph.findMany({ orderBy: { name: "asc" } });
  if (subgraphs.length === 0) return [];
  const versions = await prisma.subgraphVersion.findMany({
    where: { OR: subgraphs.map((s) => ({ subgraphName: s.name, version: s.currentVersion })) },
  });
  const byName = new Map(versions.map((v) => [v.subgraphName, v]));
  return subgraphs.map((s) => {
    const v = byName.get(s.name)!;
    return {
      name: s.name,
      team: s.team,
      routingUrl: s.routingUrl,
      version: s.currentVersion,
      versionId: v.id,
      sdl: v.sdl,
      sdlHash: v.sdlHash,
    };
  });
}

export async function latestSupergraph(prisma: RegistryPrisma) {
  return prisma.supergraphVersion.findFirst({ orderBy: { version: "desc" } });
}

/** Only the version and hash of the latest supergraph: what a long-poll checks every second. */
export async function latestSupergraphHead(prisma: RegistryPrisma) {
  return prisma.supergraphVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true, sdlHash: true } });
}

export async function supergraphVersion(prisma: RegistryPrisma, version: number) {
  const row = await prisma.supergraphVersion.findUnique({
    where: { version },
    include: {
      members: { include: { subgraphVersion: { select: { subgraphName: true, version: true, routingUrl: true, sdlHash: true } } } },
    },
  });
  if (!row) return null;
  const { members, ...rest } = row;
  return {
    ...rest,
    subgraphs: members
      .map((m) => ({
        name: m.subgraphVersion.subgraphName,
        version: m.subgraphVersion.version,
        routingUrl: m.subgraphVersion.routingUrl,
        sdlHash: m.subgraphVersion.sdlHash,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export async function listSupergraphVersions(prisma: RegistryPrisma, limit: number) {
  return prisma.supergraphVersion.findMany({
    orderBy: { version: "desc" },
    take: limit,
    select: {
      version: true,
      sdlHash: true,
      subgraphName: true,
      subgraphVersion: true,
      publishedBy: true,
      author: true,
      createdAt: true,
      ...TRUST_FIELDS,
    },
  });
}

export async function countSupergraphVersions(prisma: RegistryPrisma): Promise<number> {
  return prisma.supergraphVersion.count();
}

/** The inventory: each subgraph's owner, routing URL, current version and how many it has had. */
export async function listSubgraphs(prisma: RegistryPrisma) {
  const [subgraphs, counts] = await Promise.all([
    prisma.subgraph.findMany({ orderBy: { name: "asc" } }),
    prisma.subgraphVersion.groupBy({ by: ["subgraphName"], _count: { _all: true } }),
  ]);
  const current = subgraphs.length
    ? await prisma.subgraphVersion.findMany({
        where: { OR: subgraphs.map((s) => ({ subgraphName: s.name, version: s.currentVersion })) },
        select: { subgraphName: true, publishedAt: true, publishedBy: true, author: true, sdlHash: true },
      })
    : [];
  const countOf = new Map(counts.map((c) => [c.subgraphName, c._count._all]));
  const currentOf = new Map(current.map((c) => [c.subgraphName, c]));
  return subgraphs.map((s) => ({
    name: s.name,
    team: s.team,
    routingUrl: s.routingUrl,
    currentVersion: s.currentVersion,
    versions: countOf.get(s.name) ?? 0,
    publishedAt: currentOf.get(s.name)?.publishedAt ?? null,
    publishedBy: currentOf.get(s.name)?.publishedBy ?? null,
    author: currentOf.get(s.name)?.author ?? null,
    sdlHash: currentOf.get(s.name)?.sdlHash ?? null,
  }));
}

export async function subgraphWithHistory(prisma: RegistryPrisma, name: string) {
  const subgraph = await prisma.subgraph.findUnique({ where: { name } });
  if (!subgraph) return null;
  const versions = await prisma.subgraphVersion.findMany({
    where: { subgraphName: name },
    orderBy: { version: "desc" },
    select: { version: true, sdlHash: true, routingUrl: true, publishedBy: true, author: true, publishedAt: true, ...TRUST_FIELDS },
  });
  const current = await prisma.subgraphVersion.findUnique({
    where: { subgraphName_version: { subgraphName: name, version: subgraph.currentVersion } },
  });
  return { ...subgraph, sdl: current?.sdl ?? "", versions };
}

export async function subgraphVersion(prisma: RegistryPrisma, name: string, version: number) {
  return prisma.subgraphVersion.findUnique({ where: { subgraphName_version: { subgraphName: name, version } } });
}

export interface NewVersion {
  subgraph: string;
  team: string;
  routingUrl: string;
  sdl: string;
  supergraphSdl: string;
  publishedBy: string;
  author?: string | undefined;
  /** The supergraph version this change was composed on (0 for none): the next one is this + 1. */
  basedOn: number;
  /** The other subgraphs' versions it was composed with. */
  otherVersionIds: number[];
  /** The version the subgraph had (0 for a new one). */
  previousSubgraphVersion: number;
  /** A forced publish: the owner's reason and the breaking changes it went past. */
  forced?: { reason: string; changes: string[] } | undefined;
  /** Teams whose approvals the change needed. */
  approvedBy: string[];
}

/**
 * Records an accepted change in one transaction. The primary keys on the supergraph version and on
 * (subgraph, version) make a concurrent publish built on the same state fail instead of overwriting.
 */
export async function recordVersion(prisma: RegistryPrisma, change: NewVersion) {
  const version = change.basedOn + 1;
  const subgraphVersionNumber = change.previousSubgraphVersion + 1;
  const write = prisma.$transaction(async (tx) => {
    if (change.previousSubgraphVersion === 0) {
      await tx.subgraph.create({ data: { name: change.subgraph, team: change.team, routingUrl: change.routingUrl, currentVersion: 1 } });
    } else {
      const updated = await tx.subgraph.updateMany({
        where: { name: change.subgraph, currentVersion: change.previousSubgraphVersion },
        data: { team: change.team, routingUrl: change.routingUrl, currentVersion: subgraphVersionNumber },
      });
      if (updated.count !== 1) throw new ConcurrentChangeError();
    }
    const subgraphVersion = await tx.subgraphVersion.create({
      data: {
        subgraphName: change.subgraph,
        version: subgraphVersionNumber,
        sdl: change.sdl,
        sdlHash: sdlHash(change.sdl),
        routingUrl: change.routingUrl,
        publishedBy: change.publishedBy,
        author: change.author ?? null,
        ...trustOf(change),
      },
    });
    const supergraph = await tx.supergraphVersion.create({
      data: {
        version,
        sdl: change.supergraphSdl,
        sdlHash: sdlHash(change.supergraphSdl),
        subgraphName: change.subgraph,
        subgraphVersion: subgraphVersionNumber,
        publishedBy: change.publishedBy,
        author: change.author ?? null,
        ...trustOf(change),
      },
    });
    await tx.supergraphMember.createMany({
      data: [...change.otherVersionIds, subgraphVersion.id].map((subgraphVersionId) => ({ supergraphVersion: version, subgraphVersionId })),
    });
    return { supergraph, subgraphVersion };
  });
  return write.catch((error: unknown) => {
    throw isUniqueViolation(error) ? new ConcurrentChangeError() : error;
  });
}

const trustOf = (change: NewVersion) => ({
  forceReason: change.forced?.reason ?? null,
  forcedChanges: change.forced?.changes ?? [],
  approvedBy: change.approvedBy,
});

/** Records (or repeats) a team's approval of one proposed schema. */
export async function recordApproval(
  prisma: RegistryPrisma,
  approval: { subgraph: string; sdlHash: string; team: string; comment?: string | undefined },
) {
  const key = { subgraphName: approval.subgraph, sdlHash: approval.sdlHash, team: approval.team };
  return prisma.schemaApproval.upsert({
    where: { subgraphName_sdlHash_team: key },
    create: { ...key, comment: approval.comment ?? null },
    update: { comment: approval.comment ?? null },
  });
}

/** The teams that approved this proposed schema of the subgraph. */
export async function approvingTeams(prisma: RegistryPrisma, subgraph: string, hash: string): Promise<string[]> {
  const rows = await prisma.schemaApproval.findMany({ where: { subgraphName: subgraph, sdlHash: hash }, select: { team: true } });
  return rows.map((r) => r.team).sort();
}

/** Another publish got in first; the caller may retry on the new state. */
export class ConcurrentChangeError extends Error {
  constructor() {
    super("Another publish changed the graph at the same time.");
    this.name = "ConcurrentChangeError";
  }
}

/** Makes the stored owner of each subgraph match the config (the config is the authority). */
export async function syncOwners(prisma: RegistryPrisma, ownerOf: (subgraph: string) => string | undefined): Promise<string[]> {
  const changed: string[] = [];
  for (const subgraph of await prisma.subgraph.findMany({ select: { name: true, team: true } })) {
    const owner = ownerOf(subgraph.name);
    if (owner && owner !== subgraph.team) {
      await prisma.subgraph.update({ where: { name: subgraph.name }, data: { team: owner } });
      changed.push(subgraph.name);
    }
  }
  return changed;
}

/** The bootstrap: every subgraph at version 1 and the supergraph they compose to as version 1. */
export async function recordImport(
  prisma: RegistryPrisma,
  subgraphs: Array<{ name: string; team: string; routingUrl: string; sdl: string }>,
  supergraphSdl: string,
  publishedBy: string,
) {
  const write = prisma.$transaction(async (tx) => {
    const supergraph = await tx.supergraphVersion.create({
      data: { version: 1, sdl: supergraphSdl, sdlHash: sdlHash(supergraphSdl), subgraphName: "*", subgraphVersion: 1, publishedBy },
    });
    for (const s of subgraphs) {
      await tx.subgraph.create({ data: { name: s.name, team: s.team, routingUrl: s.routingUrl, currentVersion: 1 } });
      const version = await tx.subgraphVersion.create({
        data: { subgraphName: s.name, version: 1, sdl: s.sdl, sdlHash: sdlHash(s.sdl), routingUrl: s.routingUrl, publishedBy },
      });
      await tx.supergraphMember.create({ data: { supergraphVersion: 1, subgraphVersionId: version.id } });
    }
    return supergraph;
  });
  return write.catch((error: unknown) => {
    throw isUniqueViolation(error) ? new ConcurrentChangeError() : error;
  });
}
