import { composeSubgraphs, type CompositionMessage } from "@store/composition";
import { apiSchemaOf } from "./api-schema.ts";
import { judgeTrust, type ApprovalStatus, type JudgedSecurityChange, type JudgedTransfer, type TrustContext } from "./approvals.ts";
import type { CurrentSubgraph } from "./data/store.ts";
import type { OperationUsage } from "./data/usage.ts";
import { ownershipTransfers } from "./ownership.ts";
import { diffSchemas, type SchemaChange } from "./schema-diff.ts";
import { securityChanges } from "./security-diff.ts";

/**
 * A check: does the proposed subgraph schema compose with the others, which of its changes to the
 * client-facing schema would break operations that clients were seen sending, which fields would it
 * take from other subgraphs, and which changes let more callers see more? The last two need
 * approvals (approvals.ts).
 */

export interface ProposedChange {
  subgraph: string;
  sdl: string;
  routingUrl: string;
}

export interface UsageSource {
  /** Operations seen in the window that use any of the coordinates. */
  operationsUsing(coordinates: string[]): Promise<OperationUsage[]>;
  /** Whether anything at all was recorded in the window. */
  anyRecorded(): Promise<boolean>;
}

export interface CheckOptions {
  /** Treat every schema-breaking change as breaking, whatever the usage says. */
  strict: boolean;
  windowHours: number;
  since: Date;
}

export interface JudgedChange extends SchemaChange {
  /** Whether this change blocks the publish. */
  blocking: boolean;
  /** Operations seen in the window that it breaks (empty unless criticality is "breaking" or "dangerous"). */
  affectedOperations: OperationUsage[];
}

export interface CheckReport {
  subgraph: string;
  ok: boolean;
  composition: { ok: boolean; errors: CompositionMessage[]; hints: CompositionMessage[] };
  /** Changes to the client-facing schema, blocking ones first. */
  changes: JudgedChange[];
  usage: { windowHours: number; since: string; recorded: boolean; strict: boolean };
  summary: { breaking: number; blocking: number; dangerous: number; safe: number };
  /** Every operation and client a blocking change breaks, busiest first. */
  affectedOperations: OperationUsage[];
  /** Fields the change moves to this subgraph from other subgraphs (their owners must approve). */
  ownershipTransfers: JudgedTransfer[];
  /** Authorization removed or weakened, @inaccessible removed, types newly reachable. */
  securityChanges: JudgedSecurityChange[];
  approvals: ApprovalStatus;
}

export interface CheckOutcome {
  report: CheckReport;
  /** Set when the change composes: the supergraph it would produce. */
  supergraphSdl?: string;
}

const noApprovalsNeeded = (trust: TrustContext): ApprovalStatus => ({
  given: [],
  missingOwners: [],
  security: { required: false, approved: false, teams: trust.securityTeams },
});

const order = { breaking: 0, dangerous: 1, safe: 2 } as const;

export async function runCheck(
  current: CurrentSubgraph[],
  currentSupergraphSdl: string | undefined,
  proposed: ProposedChange,
  usage: UsageSource,
  options: CheckOptions,
  trust: TrustContext,
): Promise<CheckOutcome> {
  const subgraphs = current.filter((s) => s.name !== proposed.subgraph).map((s) => ({ name: s.name, url: s.routingUrl, sdl: s.sdl }));
  subgraphs.push({ name: proposed.subgraph, url: proposed.routingUrl, sdl: proposed.sdl });
  subgraphs.sort((a, b) => a.name.localeCompare(b.name));
  const composed = composeSubgraphs(subgraphs);
  const usageInfo = { windowHours: options.windowHours, since: options.since.toISOString(), recorded: false, strict: options.strict };
  if (!composed.ok) {
    return {
      report: {
        subgraph: proposed.subgraph,
        ok: false,
        composition: { ok: false, errors: composed.errors, hints: composed.hints },
        changes: [],
        usage: usageInfo,
        summary: { breaking: 0, blocking: 0, dangerous: 0, safe: 0 },
        affectedOperations: [],
        ownershipTransfers: [],
        securityChanges: [],
        approvals: noApprovalsNeeded(trust),
      },
    };
  }

  const judgedTrust = currentSupergraphSdl
    ? judgeTrust(
        ownershipTransfers(currentSupergraphSdl, composed.supergraphSdl, proposed.subgraph),
        securityChanges(currentSupergraphSdl, composed.supergraphSdl),
        trust,
      )
    : { ownershipTransfers: [], securityChanges: [], approvals: noApprovalsNeeded(trust) };

  const changes = currentSupergraphSdl ? diffSchemas(apiSchemaOf(currentSupergraphSdl), apiSchemaOf(composed.supergraphSdl)) : [];
  usageInfo.recorded = changes.some((c) => c.criticality !== "safe") ? await usage.anyRecorded() : false;
  const judged: JudgedChange[] = [];
  for (const change of changes) {
    const affectedOperations = change.criticality === "safe" ? [] : await usage.operationsUsing(change.usage);
    const blocking = change.criticality === "breaking" && (options.strict || affectedOperations.length > 0);
    judged.push({ ...change, blocking, affectedOperations });
  }
  judged.sort(
    (a, b) =>
      Number(b.blocking) - Number(a.blocking) || order[a.criticality] - order[b.criticality] || a.coordinate.localeCompare(b.coordinate),
  );

  const affected = new Map<string, OperationUsage>();
  for (const change of judged.filter((c) => c.blocking)) {
    for (const op of change.affectedOperations) {
      const key = JSON.stringify([op.operationName, op.clientName, op.clientVersion]);
      const seen = affected.get(key);
      if (!seen) affected.set(key, { ...op, coordinates: [...op.coordinates] });
      else {
        seen.count = Math.max(seen.count, op.count);
        seen.coordinates = [...new Set([...seen.coordinates, ...op.coordinates])];
        if (op.lastSeen > seen.lastSeen) seen.lastSeen = op.lastSeen;
      }
    }
  }
  const summary = {
    breaking: judged.filter((c) => c.criticality === "breaking").length,
    blocking: judged.filter((c) => c.blocking).length,
    dangerous: judged.filter((c) => c.criticality === "dangerous").length,
    safe: judged.filter((c) => c.criticality === "safe").length,
  };
  const approved = judgedTrust.ownershipTransfers.every((t) => t.approved) && judgedTrust.securityChanges.every((c) => c.approved);
  const ok = summary.blocking === 0 && approved;
  const report: CheckReport = {
    subgraph: proposed.subgraph,
    ok,
    composition: { ok: true, errors: [], hints: composed.hints },
    changes: judged,
    usage: usageInfo,
    summary,
    affectedOperations: [...affected.values()].sort((a, b) => b.count - a.count),
    ...judgedTrust,
  };
  return { report, supergraphSdl: composed.supergraphSdl };
}
