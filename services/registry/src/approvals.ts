import type { OwnershipTransfer } from "./ownership.ts";
import type { SecurityChange } from "./security-diff.ts";

/**
 * Who must agree to a change that reaches beyond the publisher's own fields, and whether they have.
 * The publishing subgraph's own team agrees by publishing; every other owning team and, for
 * security-relevant changes, a security team other than the publisher's must have approved this
 * exact schema (recorded approvals, bound to its hash).
 */

export interface TrustContext {
  /** The team that owns the subgraph being checked (the only one that may publish it). */
  publisherTeam: string | undefined;
  /** The owning team of each current subgraph. */
  teamOf(subgraph: string): string | undefined;
  /** Teams that approved this proposed schema. */
  approvals: string[];
  /** Teams whose approval security-relevant changes need (registry config). */
  securityTeams: string[];
}

export interface Owner {
  subgraph: string;
  team: string;
}

export interface JudgedTransfer extends OwnershipTransfer {
  /** The teams the field is taken from. */
  owners: Owner[];
  approved: boolean;
}

export interface JudgedSecurityChange extends SecurityChange {
  owners: Owner[];
  approved: boolean;
}

export interface ApprovalStatus {
  /** Teams whose recorded approvals of this schema counted. */
  given: string[];
  /** Owning teams whose approval is still needed. */
  missingOwners: string[];
  /** Whether a security team's approval is needed, and whether one was given. */
  security: { required: boolean; approved: boolean; teams: string[] };
}

/** A subgraph nobody owns by the config can approve nothing: it blocks until a team owns it. */
const UNOWNED = "(unowned)";

export function judgeTrust(transfers: OwnershipTransfer[], security: SecurityChange[], trust: TrustContext) {
  const owners = (subgraphs: string[]): Owner[] => subgraphs.map((subgraph) => ({ subgraph, team: trust.teamOf(subgraph) ?? UNOWNED }));
  const agrees = (team: string) => team === trust.publisherTeam || trust.approvals.includes(team);
  const securityApprovers = trust.approvals.filter((team) => trust.securityTeams.includes(team) && team !== trust.publisherTeam);

  const judgedTransfers: JudgedTransfer[] = transfers.map((t) => {
    const from = owners(t.from);
    return { ...t, owners: from, approved: from.every((o) => agrees(o.team)) };
  });
  const judgedSecurity: JudgedSecurityChange[] = security.map((c) => {
    const by = owners(c.subgraphs);
    return { ...c, owners: by, approved: by.every((o) => agrees(o.team)) && securityApprovers.length > 0 };
  });
  const missing = new Set<string>();
  for (const item of [...judgedTransfers, ...judgedSecurity]) for (const o of item.owners) if (!agrees(o.team)) missing.add(o.team);
  const needed = new Set([...judgedTransfers, ...judgedSecurity].flatMap((item) => item.owners.map((o) => o.team)));
  const status: ApprovalStatus = {
    given: trust.approvals.filter((team) => needed.has(team) || securityApprovers.includes(team)),
    missingOwners: [...missing].sort(),
    security: {
      required: judgedSecurity.length > 0,
      approved: judgedSecurity.length > 0 && securityApprovers.length > 0,
      teams: trust.securityTeams,
    },
  };
  return { ownershipTransfers: judgedTransfers, securityChanges: judgedSecurity, approvals: status };
}

/** What a team's approval of this change would count for: owner of moved or exposed fields, security. */
export function approvalRoles(
  judged: ReturnType<typeof judgeTrust>,
  team: string,
  trust: Pick<TrustContext, "publisherTeam" | "securityTeams">,
): Array<"owner" | "security"> {
  const roles: Array<"owner" | "security"> = [];
  const items = [...judged.ownershipTransfers, ...judged.securityChanges];
  if (team !== trust.publisherTeam && items.some((item) => item.owners.some((o) => o.team === team))) roles.push("owner");
  if (judged.securityChanges.length > 0 && trust.securityTeams.includes(team) && team !== trust.publisherTeam) roles.push("security");
  return roles;
}
