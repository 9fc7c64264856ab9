import { AsyncLocalStorage } from "node:async_hooks";
import type { Counter, Histogram } from "prom-client";

/**
 * Counts the SQL statements a unit of work runs (a request, a test), through Prisma's query events.
 * One event is one statement; transaction bookkeeping is not counted.
 */
export interface QueryTally {
  statements: number;
}

const currentTally = new AsyncLocalStorage<QueryTally>();

/**
 * Prisma emits query events a little after the query's result is delivered: wait for them before
 * reading a tally or the metrics.
 */
export const queryEventsSettled = () => new Promise<void>((resolve) => setTimeout(resolve, 30));

/** Runs `work` with a fresh tally and returns both its result and the statements it ran. */
export async function countQueries<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const tally: QueryTally = { statements: 0 };
  const result = await currentTally.run(tally, work);
  await queryEventsSettled();
  return { result, statements: tally.statements };
}

/** Enters a tally for the rest of the current async context (used per HTTP request). */
export function enterQueryTally(tally: QueryTally): void {
  currentTally.enterWith(tally);
}

interface QueryEvent {
  query: string;
  duration: number;
}

interface QueryEmitter {
  $on(event: "query", listener: (event: QueryEvent) => void): void;
}

const BOOKKEEPING = /^(COMMIT|ROLLBACK|BEGIN)$|^-- Implicit/;

export interface QueryMetrics {
  dbQueries: Counter<string>;
  dbQueryDuration: Histogram<string>;
}

/** Wires a PrismaClient (built with `log: [{ emit: "event", level: "query" }]`) to tallies and metrics. */
export function trackQueries(prisma: QueryEmitter, metrics?: QueryMetrics): void {
  prisma.$on("query", (event) => {
    if (BOOKKEEPING.test(event.query)) return;
    const tally = currentTally.getStore();
    if (tally) tally.statements++;
    metrics?.dbQueries.inc();
    metrics?.dbQueryDuration.observe(event.duration / 1000);
  });
}
