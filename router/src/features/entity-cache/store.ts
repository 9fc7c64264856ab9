import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { Logger } from "@store/service-kit";

/**
 * Where cached answers live. One record per entity (type and key), holding every cached shape of it
 * (the subgraph, the selection, the viewer) and a version that each invalidation renews. An invalidation
 * replaces the whole record, so one command drops every shape and viewer of that entity at once; a
 * write carries the version its lookup saw and is dropped when the record was invalidated meanwhile,
 * so a fetch that started before a mutation can never put its old answer back.
 */
export interface EntryRef {
  /** The entity's record (or a root fetch's own). */
  record: string;
  /** The shape within it. */
  shape: string;
}

export interface Lookup {
  /** The cached JSON, or undefined for a miss. */
  values: (string | undefined)[];
  /** The version of each record as seen now ("" when it has none): writes must carry it. */
  versions: string[];
}

export interface Entry extends EntryRef {
  value: string;
  ttlMs: number;
  version: string;
}

export interface CacheStore {
  lookup(refs: readonly EntryRef[]): Promise<Lookup>;
  write(entries: readonly Entry[]): Promise<void>;
  invalidate(records: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const newVersion = () => randomBytes(8).toString("base64url");

/** `<expiresAt ms>:<json>`: a record may hold shapes of different lifetimes. */
const encode = (value: string, ttlMs: number) => `${Date.now() + ttlMs}:${value}`;
function decode(stored: string | null | undefined): string | undefined {
  if (!stored) return undefined;
  const colon = stored.indexOf(":");
  if (colon < 0 || Number(stored.slice(0, colon)) <= Date.now()) return undefined;
  return stored.slice(colon + 1);
}

interface MemoryRecord {
  version: string;
  /** When the record can go (the last shape's expiry, or the invalidation's grace). */
  expiresAt: number;
  shapes: Map<string, string>;
}

/** Each router process caches alone: invalidations reach this process only (one replica, or tests). */
export function memoryStore({ maxEntities, graceMs }: { maxEntities: number; graceMs: number }): CacheStore {
  const records = new LRUCache<string, MemoryRecord>({ max: maxEntities });
  const live = (key: string) => {
    const record = records.get(key);
    if (record && record.expiresAt <= Date.now()) {
      records.delete(key);
      return undefined;
    }
    return record;
  };
  return {
    async lookup(refs) {
      const values: (string | undefined)[] = [];
      const versions: string[] = [];
      for (const { record: key, shape } of refs) {
        const record = live(key);
        values.push(decode(record?.shapes.get(shape)));
        versions.push(record?.version ?? "");
      }
      return { values, versions };
    },
    async write(entries) {
      for (const { record: key, shape, value, ttlMs, version } of entries) {
        let record = live(key);
        if ((record?.version ?? "") !== version) continue;
        if (!record) records.set(key, (record = { version, expiresAt: 0, shapes: new Map() }));
        record.shapes.set(shape, encode(value, ttlMs));
        record.expiresAt = Math.max(record.expiresAt, Date.now() + ttlMs);
      }
    },
    async invalidate(keys) {
      for (const key of keys) records.set(key, { version: newVersion(), expiresAt: Date.now() + graceMs, shapes: new Map() });
    },
    async close() {
      records.clear();
    },
  };
}

export interface RedisStoreEvents {
  /** A Redis command failed: that fetch went to the subgraph uncached. */
  storeError(operation: "lookup" | "write" | "invalidate"): void;
  storeUp(up: boolean): void;
}

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  graceMs: number;
  logger: Logger;
  events: RedisStoreEvents;
}

const VERSION_FIELD = "~v";

// Writes a shape only while the record's version is the one the lookup saw; keeps the record as long as its longest shape.
const WRITE_SCRIPT = `
local v = redis.call('HGET', KEYS[1], '${VERSION_FIELD}')
if (v or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 1`;

// Drops every shape of the record and leaves a new version behind for the grace period.
const INVALIDATE_SCRIPT = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '${VERSION_FIELD}', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

type ScriptedRedis = Redis & {
  cacheWrite(key: string, version: string, shape: string, value: string, ttlMs: number): Promise<number>;
  cacheInvalidate(key: string, version: string, graceMs: number): Promise<number>;
};

/**
 * Replicas share one cache in Redis (one hash per record). While Redis is unreachable or slower than
 * commandTimeoutMs, every fetch goes to its subgraph (no cache, the answers stay right); an
 * invalidation that could not be written is kept and retried until Redis takes it, and until then
 * this router treats that record as a miss.
 */
export function redisStore(options: RedisStoreOptions): CacheStore {
  const { logger, events, keyPrefix } = options;
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  }) as ScriptedRedis;
  client.defineCommand("cacheWrite", { numberOfKeys: 1, lua: WRITE_SCRIPT });
  client.defineCommand("cacheInvalidate", { numberOfKeys: 1, lua: INVALIDATE_SCRIPT });
  const key = (record: string) => `${keyPrefix}:${record}`;

  let up: boolean | undefined;
  const setUp = (next: boolean, reason?: string) => {
    if (up === next) return;
    up = next;
    events.storeUp(next);
    const store = safeHost(options.url);
    if (next) logger.info({ store }, "entity cache store connected");
    else logger.warn({ store, reason }, "entity cache store unreachable: fetching from subgraphs uncached until it is back");
  };
  client.on("ready", () => {
    setUp(true);
    void retryPending();
  });
  client.on("error", (error: Error) => setUp(false, error.message));
  client.on("end", () => setUp(false, "connection closed"));

  /** Invalidations Redis has not taken yet. */
  const pending = new Set<string>();
  let retryTimer: NodeJS.Timeout | undefined;
  const invalidateNow = async (records: readonly string[]) => {
    const pipeline = client.pipeline();
    for (const record of records) (pipeline as unknown as ScriptedRedis).cacheInvalidate(key(record), newVersion(), options.graceMs);
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  };
  const retryPending = async () => {
    if (pending.size === 0) return;
    const records = [...pending];
    try {
      await invalidateNow(records);
      for (const record of records) pending.delete(record);
      logger.info({ records: records.length }, "entity cache: delayed invalidations written");
    } catch {
      scheduleRetry();
    }
  };
  const scheduleRetry = () => {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void retryPending();
    }, 1_000);
    retryTimer.unref();
  };

  return {
    async lookup(refs) {
      const values: (string | undefined)[] = new Array(refs.length).fill(undefined);
      const versions: string[] = new Array(refs.length).fill("");
      try {
        const pipeline = client.pipeline();
        for (const { record, shape } of refs) pipeline.hmget(key(record), shape, VERSION_FIELD);
        const results = (await pipeline.exec()) ?? [];
        results.forEach(([error, reply], i) => {
          if (error) throw error;
          const [stored, version] = reply as [string | null, string | null];
          const pendingInvalidation = pending.has(refs[i]!.record);
          values[i] = pendingInvalidation ? undefined : decode(stored);
          // A record with an invalidation not yet written gets a version no write can match.
          versions[i] = pendingInvalidation ? "~pending" : (version ?? "");
        });
        if (up !== true) setUp(true);
        return { values, versions };
      } catch (error) {
        events.storeError("lookup");
        if (up !== false) setUp(false, (error as Error).message);
        // Nothing from the cache, and nothing written back.
        return { values: new Array(refs.length).fill(undefined), versions: new Array(refs.length).fill("~down") };
      }
    },
    async write(entries) {
      const writable = entries.filter((entry) => !entry.version.startsWith("~"));
      if (writable.length === 0) return;
      try {
        const pipeline = client.pipeline() as unknown as ScriptedRedis & { exec(): Promise<unknown> };
        for (const { record, shape, value, ttlMs, version } of writable)
          pipeline.cacheWrite(key(record), version, shape, encode(value, ttlMs), ttlMs);
        await pipeline.exec();
      } catch {
        events.storeError("write");
      }
    },
    async invalidate(records) {
      try {
        await invalidateNow(records);
      } catch (error) {
        events.storeError("invalidate");
        if (up !== false) setUp(false, (error as Error).message);
        for (const record of records) pending.add(record);
        scheduleRetry();
      }
    },
    async close() {
      if (retryTimer) clearTimeout(retryTimer);
      await client.quit().catch(() => client.disconnect());
    },
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable URL)";
  }
}
