import type {
  CheckReport,
  CompositionMessage,
  Diff,
  JudgedChange,
  OperationUsage,
  SchemaChange,
  SubgraphEntry,
  SupergraphVersionEntry,
} from "@store/registry-api";

/** Plain-text output for people: no colours, so it reads the same in a terminal and in a CI log. */

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "-");
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const client = (op: OperationUsage) => `client ${op.clientName}${op.clientVersion ? ` ${op.clientVersion}` : ""}`;

export function formatCompositionMessage(message: CompositionMessage): string {
  return [`  ${message.severity}[${message.code}]: ${message.message}`, ...message.locations.map((l) => `      at ${l}`)].join("\n");
}

function operationLine(op: OperationUsage): string {
  return `${op.operationName} (${client(op)}): ${plural(op.count, "request")}, last seen ${when(op.lastSeen)}`;
}

function changeLine(change: JudgedChange, windowHours: number): string {
  const label = change.blocking
    ? "BREAKING "
    : change.criticality === "breaking"
      ? "unused   "
      : change.criticality === "dangerous"
        ? "dangerous"
        : "safe     ";
  const lines = [`  ${label}  ${change.coordinate}: ${change.message}`];
  if (change.criticality === "breaking" && !change.blocking) {
    lines.push(`             breaks the schema, but no operation used it in the last ${windowHours} h`);
  }
  for (const op of change.affectedOperations.slice(0, 10)) lines.push(`             used by ${operationLine(op)}`);
  if (change.affectedOperations.length > 10) lines.push(`             and ${change.affectedOperations.length - 10} more operation(s)`);
  return lines.join("\n");
}

/** A check's (or a rejected publish's) report. */
export function formatCheck(report: CheckReport, verb: "check" | "publish"): string {
  const out: string[] = [];
  const name = `subgraph "${report.subgraph}"`;
  if (!report.composition.ok) {
    out.push(`✗ ${name} does not compose with the rest of the graph (${plural(report.composition.errors.length, "error")}):`, "");
    for (const error of report.composition.errors) out.push(formatCompositionMessage(error));
    out.push("", verb === "publish" ? "Nothing was published." : "Fix these errors, then check again.");
    return out.join("\n");
  }
  const { summary, usage } = report;
  const unapproved = report.ownershipTransfers.filter((t) => !t.approved).length + report.securityChanges.filter((c) => !c.approved).length;
  if (report.ok) {
    const unused = summary.breaking - summary.blocking;
    out.push(
      `✓ ${name} composes; ${plural(report.changes.length, "change")} to the API` +
        (summary.breaking ? `, ${summary.breaking} schema-breaking but unused in the last ${usage.windowHours} h` : ", none breaking") +
        ".",
    );
    if (unused && !usage.recorded) {
      out.push(
        `  Note: no usage was recorded in the last ${usage.windowHours} h, so "unused" means "unknown". Use --strict to block every schema-breaking change.`,
      );
    }
  } else if (summary.blocking) {
    const why = report.affectedOperations.length ? `used by ${plural(report.affectedOperations.length, "operation")}` : "strict mode";
    out.push(`✗ ${name}: ${plural(summary.blocking, "breaking change")} (${why}, usage of the last ${usage.windowHours} h).`);
  }
  if (unapproved)
    out.push(`✗ ${name}: ${plural(unapproved, "change")} need${unapproved === 1 ? "s" : ""} approval (${approvalNeeds(report)}).`);
  if (report.ownershipTransfers.length) {
    out.push("", "Fields moving to this subgraph:");
    for (const t of report.ownershipTransfers) {
      const owners = t.owners.map((o) => `${o.subgraph} (team ${o.team})`).join(", ");
      out.push(
        `  ${t.approved ? "approved " : "NEEDS OK "}  ${t.coordinate}: ${t.kind.replace("_", " ")}${t.label ? ` ${t.label}` : ""} from ${owners}`,
      );
    }
  }
  if (report.securityChanges.length) {
    out.push("", "Security-relevant changes:");
    for (const c of report.securityChanges)
      out.push(`  ${c.approved ? "approved " : "NEEDS OK "}  ${c.coordinate} [${c.code}]: ${c.message}`);
  }
  if (report.changes.length) {
    out.push("", "Changes:");
    for (const change of report.changes) out.push(changeLine(change, usage.windowHours));
  }
  if (report.affectedOperations.length) {
    out.push("", "Affected operations:");
    for (const op of report.affectedOperations) out.push(`  ${operationLine(op)}; uses ${op.coordinates.join(", ")}`);
  }
  if (!report.ok && verb === "publish") out.push("", "Nothing was published.");
  return out.join("\n");
}

function approvalNeeds(report: CheckReport): string {
  const { missingOwners, security } = report.approvals;
  const needs = missingOwners.map((team) => `team ${team}`);
  if (security.required && !security.approved) needs.push(`a security team (${security.teams.join(", ") || "none configured"})`);
  return `${needs.join(" and ")}: \`supergraph approve ${report.subgraph} --schema <file>\` with their token`;
}

export function formatList(subgraphs: SubgraphEntry[], latest: SupergraphVersionEntry | undefined): string {
  if (subgraphs.length === 0) return "The registry has no subgraphs yet: publish one, or run `npm run import -w @store/registry`.";
  const rows = [
    ["SUBGRAPH", "TEAM", "VERSION", "PUBLISHED", "BY", "ROUTING URL"],
    ...subgraphs.map((s) => [
      s.name,
      s.team,
      `${s.currentVersion} of ${s.versions}`,
      when(s.publishedAt),
      s.author ? `${s.publishedBy} (${s.author})` : (s.publishedBy ?? "-"),
      s.routingUrl,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));
  const footer = latest
    ? `Supergraph version ${latest.version} (sha256 ${latest.sdlHash.slice(0, 12)}), from ${latest.subgraphName === "*" ? "the import" : `${latest.subgraphName} version ${latest.subgraphVersion}`}, ${when(latest.createdAt)}.`
    : "No supergraph yet.";
  return [...table, "", footer].join("\n");
}

const SIGN: Record<string, string> = { REMOVED: "-", ADDED: "+" };

function diffLine(change: SchemaChange): string {
  const sign = SIGN[change.code.split("_").pop()!] ?? "~";
  return `  ${sign} ${change.coordinate}: ${change.message}${change.criticality === "safe" ? "" : ` [${change.criticality}]`}`;
}

export function formatDiff(diff: Diff): string {
  const out = [`Supergraph version ${diff.from} -> ${diff.to}`];
  if (diff.subgraphs.length) {
    out.push("", "Subgraphs:");
    for (const s of diff.subgraphs) {
      const from = s.fromVersion === null ? "(new)" : `version ${s.fromVersion}`;
      const to = s.toVersion === null ? "(removed)" : `version ${s.toVersion}`;
      out.push(`  ${s.name}: ${from} -> ${to}${s.routingUrlChanged ? " (routing URL changed)" : ""}`);
    }
  }
  out.push("", diff.changes.length ? `API changes (${diff.changes.length}):` : "No changes to the API.");
  for (const change of diff.changes) out.push(diffLine(change));
  return out.join("\n");
}
