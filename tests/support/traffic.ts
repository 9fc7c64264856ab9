/**
 * A steady stream of GraphQL requests for fault tests: a few concurrent clients, each sending the
 * next request when the last one is answered, until stopped or a time limit. Every answer is kept
 * with its time, so a test can judge each phase (before, during, after a fault) on its own.
 */
export type Outcome = "ok" | "partial" | "failed" | "refused" | "dropped";

export interface Sample {
  kind: string;
  /** performance.now() when sent and when answered. */
  sentAt: number;
  doneAt: number;
  outcome: Outcome;
  status?: number;
  body?: { data?: any; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }> };
}

export interface StreamKind {
  name: string;
  query: string;
  /** ok: the full answer; partial: the expected partial answer; failed: anything else. */
  judge(body: NonNullable<Sample["body"]>, status: number): "ok" | "partial" | "failed";
}

export interface Stream {
  samples: Sample[];
  /** Stops sending and waits for the answers still due. */
  stop(): Promise<Sample[]>;
}

/** Runs `clients` loops alternating over `kinds`; stops by itself after `maxMs` (bounded in time). */
export function startStream(url: string, kinds: StreamKind[], { clients = 8, maxMs = 60_000 } = {}): Stream {
  const samples: Sample[] = [];
  let stopped = false;
  const limit = setTimeout(() => (stopped = true), maxMs);
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = client; !stopped; i++) {
      const kind = kinds[i % kinds.length]!;
      const sentAt = performance.now();
      let sample: Sample;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: kind.query }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        let body: Sample["body"];
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        sample = {
          kind: kind.name,
          sentAt,
          doneAt: performance.now(),
          status: response.status,
          body,
          outcome: body ? kind.judge(body, response.status) : "failed",
        };
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        sample = {
          kind: kind.name,
          sentAt,
          doneAt: performance.now(),
          outcome: code === "ECONNREFUSED" ? "refused" : "dropped",
          body: { errors: [{ message: `${code ?? ""} ${(error as Error).message}` }] },
        };
      }
      samples.push(sample);
      // A refused connection comes back at once: do not spin on it.
      if (sample.outcome === "refused") await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    samples,
    async stop() {
      stopped = true;
      clearTimeout(limit);
      await Promise.all(loops);
      return samples;
    },
  };
}

export function tally(samples: Sample[]): Record<Outcome, number> & { total: number } {
  const counts = { ok: 0, partial: 0, failed: 0, refused: 0, dropped: 0, total: samples.length };
  for (const s of samples) counts[s.outcome]++;
  return counts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
