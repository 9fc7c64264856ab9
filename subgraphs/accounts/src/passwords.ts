import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashes: scrypt from node:crypto (memory-hard, no dependency), stored as
 * `scrypt$N$r$p$salt$hash` (base64url) so the cost can be raised later without breaking old hashes.
 * scrypt runs on libuv's thread pool, so hashing never blocks the event loop.
 */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  // maxmem above the 128 * N * r bytes scrypt needs (the default cap is exactly 32 MiB).
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize("NFKC"), salt, KEY_BYTES, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A new hash; `salt` is only given for deterministic seed data. */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await scrypt(password, salt, COST);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

// Compared against when the user is unknown or has no password, so that the answer takes as long
// as for a wrong password and does not tell which usernames exist.
const UNUSABLE_HASH = hashPassword(randomBytes(24).toString("base64url"));

/** Whether `password` matches `stored`; false (in the same time) for a missing or unreadable hash. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = parseHash(stored);
  const target = parsed ?? parseHash(await UNUSABLE_HASH)!;
  const key = await scrypt(password, target.salt, { N: target.N, r: target.r, p: target.p });
  return timingSafeEqual(key, target.key) && parsed !== undefined;
}

function parseHash(stored: string | null | undefined) {
  const parts = stored?.split("$");
  if (!parts || parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  const key = Buffer.from(parts[5]!, "base64url");
  if (key.length !== KEY_BYTES) return undefined;
  return { N, r, p, salt: Buffer.from(parts[4]!, "base64url"), key };
}
