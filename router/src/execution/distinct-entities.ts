/**
 * Finds repeated entities of one entity fetch by the values of their key fields, without building a
 * key per entity. In a nested query the same few products or users show up hundreds of times; a
 * string key per occurrence (several small strings for a compound key) was the single largest
 * source of the router's garbage. Here a repeated entity costs a few Map lookups and no allocation:
 * one nested Map per key field, the last one holding the index of the entity's representation.
 */
type Level = Map<unknown, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/** Values a Map tells apart exactly as their JSON would (objects and lists are not among them). */
const isPrimitive = (value: unknown): boolean => value === null || (typeof value !== "object" && typeof value !== "function");

export class DistinctEntities {
  private readonly root: Level = new Map();
  /** Entities with an object or list among their key values, by the JSON of those values. */
  private byJson?: Map<string, number>;

  constructor(private readonly fields: readonly string[]) {}

  /**
   * The index given earlier to an entity with the same key values, or `next` (now given to this
   * one). `undefined` when the entity lacks a key field (it has no representation).
   */
  indexOf(entity: Record<string, unknown>, next: number): number | undefined {
    const { fields } = this;
    let level = this.root;
    const last = fields.length - 1;
    for (let i = 0; i <= last; i++) {
      const field = fields[i]!;
      const value = hasOwn.call(entity, field) ? entity[field] : undefined;
      if (value === undefined) return undefined;
      if (!isPrimitive(value)) return this.indexByJson(entity, next);
      const found = level.get(value);
      if (i === last) {
        if (found !== undefined) return found as number;
        level.set(value, next);
        return next;
      }
      if (found === undefined) level.set(value, (level = new Map()));
      else level = found as Level;
    }
    return undefined;
  }

  private indexByJson(entity: Record<string, unknown>, next: number): number | undefined {
    const values: unknown[] = [];
    for (const field of this.fields) {
      const value = hasOwn.call(entity, field) ? entity[field] : undefined;
      if (value === undefined) return undefined;
      values.push(value);
    }
    const key = JSON.stringify(values);
    this.byJson ??= new Map();
    const found = this.byJson.get(key);
    if (found !== undefined) return found;
    this.byJson.set(key, next);
    return next;
  }
}
