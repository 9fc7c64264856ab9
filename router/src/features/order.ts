import type { AnyFeature } from "./feature.ts";

/**
 * Sorts features so each runs after those it names in `after` and before those it names in `before`.
 * Features the declarations leave unordered are taken by name, so the list's own order never matters.
 * Throws on a cycle or on a name no feature has: the router does not start.
 */
export function orderFeatures<F extends AnyFeature>(features: readonly F[]): F[] {
  const byName = new Map(features.map((feature) => [feature.name, feature]));
  const predecessors = new Map<string, Set<string>>(features.map((feature) => [feature.name, new Set<string>()]));
  for (const feature of features) {
    for (const name of [...(feature.after ?? []), ...(feature.before ?? [])]) {
      if (!byName.has(name)) throw new Error(`router feature ${feature.name} is ordered against ${name}, which is no feature`);
    }
    for (const name of feature.after ?? []) predecessors.get(feature.name)!.add(name);
    for (const name of feature.before ?? []) predecessors.get(name)!.add(feature.name);
  }
  const ordered: F[] = [];
  const placed = new Set<string>();
  while (ordered.length < features.length) {
    const ready = [...byName.keys()].filter((name) => !placed.has(name) && [...predecessors.get(name)!].every((p) => placed.has(p))).sort();
    if (ready.length === 0) {
      const left = [...byName.keys()].filter((name) => !placed.has(name)).sort();
      throw new Error(`router features ordered in a cycle: ${left.join(", ")}`);
    }
    placed.add(ready[0]!);
    ordered.push(byName.get(ready[0]!)!);
  }
  return ordered;
}
