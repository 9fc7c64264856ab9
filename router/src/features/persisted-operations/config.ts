import path from "node:path";
import { z } from "zod";

/**
 * `persistedOperations`: automatic persisted queries (APQ) and a trusted-documents manifest.
 * mode off: the manifest is not used; log: manifest ids resolve, other documents run and are
 * counted and logged; reject: only manifest documents run (APQ cannot register new ones).
 */
export const persistedOperationsConfigSchema = z
  .object({
    mode: z.enum(["off", "log", "reject"]).default("off"),
    /** The manifest (Apollo persisted query manifest JSON), loaded and validated at start; needed by log and reject. */
    manifest: z.string().min(1).optional(),
    /** Automatic persisted queries: clients send a hash, and the document once when the router does not know it. */
    apq: z
      .object({
        enabled: z.boolean().default(true),
        /** Bytes of documents kept (least recently used go first). */
        cacheBytes: z
          .number()
          .int()
          .positive()
          .default(8 * 2 ** 20),
        /** Seconds a registered document is kept; unset: until evicted. */
        ttlSeconds: z.number().int().positive().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type PersistedOperationsConfig = z.output<typeof persistedOperationsConfigSchema>;

/** Resolves the manifest path against the config's base folder; returns the problem when the mode needs one. */
export function resolvePersistedOperations(
  section: PersistedOperationsConfig,
  cwd: string,
): { config: PersistedOperationsConfig; problem?: string } {
  if (section.mode !== "off" && !section.manifest) {
    return {
      config: section,
      problem: `persistedOperations.manifest: mode "${section.mode}" needs a manifest file (make one with \`supergraph manifest <dir> -o manifest.json\`)`,
    };
  }
  return { config: section.manifest ? { ...section, manifest: path.resolve(cwd, section.manifest) } : section };
}
