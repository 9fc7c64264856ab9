/**
 * Keeps a metric label's set of values bounded, so a client sending ever new operation names cannot
 * grow the series (and the memory holding them) without end: the first `max` distinct values pass
 * as they are, later ones become `overflow`. Values are cut to `maxLength` characters.
 */
export function boundedLabel(max: number, overflow = "other", maxLength = 100): (value: string) => string {
  const seen = new Set<string>();
  return (raw) => {
    const value = raw.length > maxLength ? raw.slice(0, maxLength) : raw;
    if (seen.has(value)) return value;
    if (seen.size >= max) return overflow;
    seen.add(value);
    return value;
  };
}
