/**
 * The headers of one subgraph request, as the `Headers`-like object data source hooks expect
 * (`request.http.headers.set(...)`), kept in a plain record: a WHATWG Headers object per fetch
 * (validation, sorting, a copy back to a record for the HTTP client) showed up under load.
 * Names are lower-cased, as HTTP/1 and undici treat them case-insensitively.
 */
export class HeaderBag {
  readonly record: Record<string, string> = Object.create(null);

  constructor(init?: Iterable<[string, string]> | Record<string, string> | { forEach(fn: (value: string, name: string) => void): void }) {
    if (!init) return;
    if (typeof (init as { forEach?: unknown }).forEach === "function" && !Array.isArray(init)) {
      (init as { forEach(fn: (value: string, name: string) => void): void }).forEach((value, name) => this.set(name, value));
    } else if (Symbol.iterator in (init as object)) {
      for (const [name, value] of init as Iterable<[string, string]>) this.set(name, value);
    } else {
      for (const [name, value] of Object.entries(init)) this.set(name, value);
    }
  }

  get(name: string): string | null {
    return this.record[name.toLowerCase()] ?? null;
  }
  has(name: string): boolean {
    return name.toLowerCase() in this.record;
  }
  set(name: string, value: string): void {
    this.record[name.toLowerCase()] = String(value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    this.record[key] = key in this.record ? `${this.record[key]}, ${value}` : String(value);
  }
  delete(name: string): void {
    delete this.record[name.toLowerCase()];
  }
  forEach(fn: (value: string, name: string, bag: HeaderBag) => void): void {
    for (const name in this.record) fn(this.record[name]!, name, this);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name in this.record) yield [name, this.record[name]!];
  }
  keys(): IterableIterator<string> {
    return Object.keys(this.record)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return Object.values(this.record)[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
