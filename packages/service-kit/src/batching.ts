/**
 * Lines rows up with the keys a DataLoader asked for: same order, null where no row has the key.
 * This is the DataLoader batch contract every data layer has to honour.
 */
export function alignToKeys<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}
