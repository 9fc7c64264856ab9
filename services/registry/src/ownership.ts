import { supergraphFacts, type Share } from "./supergraph-facts.ts";

/**
 * Which fields a change moves to the publishing subgraph: fields of root and entity types that other
 * subgraphs served before, and that the publisher now serves (again, or for a larger share). That is
 * what `@override(from:)` (progressive or not), a new `@key` resolver or a newly shared field does,
 * and what the router acts on: it sends those fields to the publisher from the next supergraph on.
 * Key fields are exempt: every subgraph that declares an entity's key resolves them.
 */

export type TransferKind = "override" | "progressive_override" | "shared";

export interface OwnershipTransfer {
  /** `Type.field`. */
  coordinate: string;
  kind: TransferKind;
  /** The publishing subgraph. */
  to: string;
  /** The subgraphs that served the field before, other than the publisher. */
  from: string[];
  /** The progressive-override label, for kind progressive_override. */
  label?: string;
}

const sameShare = (a: Share | undefined, b: Share | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.kind === b.kind && (a.kind === "full" || a.label === (b as { label: string }).label));

export function ownershipTransfers(beforeSdl: string, afterSdl: string, publisher: string): OwnershipTransfer[] {
  const before = supergraphFacts(beforeSdl);
  const after = supergraphFacts(afterSdl);
  const transfers: OwnershipTransfer[] = [];
  for (const [coordinate, now] of after.fields) {
    const share = now.resolvers.get(publisher);
    if (!share) continue;
    const was = before.fields.get(coordinate);
    if (!was) continue; // a new field: nobody else served it
    const from = [...was.resolvers.keys()].filter((s) => s !== publisher).sort();
    if (from.length === 0 || sameShare(was.resolvers.get(publisher), share)) continue;
    const typeName = coordinate.slice(0, coordinate.indexOf("."));
    const fieldName = coordinate.slice(typeName.length + 1);
    if (after.keyFields.get(typeName)?.get(publisher)?.has(fieldName)) continue;
    const kind: TransferKind = share.kind === "label" ? "progressive_override" : now.overrides.has(publisher) ? "override" : "shared";
    transfers.push({ coordinate, kind, to: publisher, from, ...(share.kind === "label" && { label: share.label }) });
  }
  return transfers.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}
