import type { ReceivedSpan } from "@store/stack";
import { median } from "../report.ts";

/**
 * What the router adds on top of its subgraph calls, read from its own traces: the server span of
 * each request, and the HTTP client spans of the subgraph calls made under it (undici's, so they
 * cover the call on the wire and the subgraph's work, not the router's planning or merging).
 */
export interface OverheadFigures {
  operation: string;
  samples: number;
  /** The request, as the router's server span measured it. */
  totalMs: number;
  /** The longest single subgraph call of the request. */
  slowestCallMs: number;
  /** Time with at least one subgraph call in flight (calls of a Sequence add up, parallel ones overlap). */
  callsInFlightMs: number;
  /** The rest: time with no subgraph call in flight, which is the router's own on the critical path. */
  routerOnlyMs: number;
}

const SERVER = 2;
const CLIENT = 3;

/** Length of the union of [start, end] intervals. */
function coveredMs(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let [start, end] = sorted[0] ?? [0, 0];
  for (const [s, e] of sorted.slice(1)) {
    if (s > end) {
      covered += end - start;
      [start, end] = [s, e];
    } else end = Math.max(end, e);
  }
  return covered + (end - start);
}

export interface RequestTrace {
  server: ReceivedSpan;
  calls: ReceivedSpan[];
}

/** The router's traces among `spans`: each server span with the client spans in its trace. */
export function routerTraces(spans: ReceivedSpan[], service = "router"): RequestTrace[] {
  const ours = spans.filter((s) => s.service === service);
  return ours
    .filter((s) => s.kind === SERVER && s.name === "POST /graphql")
    .map((server) => ({ server, calls: ours.filter((s) => s.traceId === server.traceId && s.kind === CLIENT) }));
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Medians over the traces of one operation. */
export function overheadOf(operation: string, traces: RequestTrace[]): OverheadFigures {
  const rows = traces.map(({ server, calls }) => {
    const total = server.endMs - server.startMs;
    const inFlight = calls.length ? coveredMs(calls.map((c) => [c.startMs, c.endMs])) : 0;
    return { total, slowest: Math.max(0, ...calls.map((c) => c.endMs - c.startMs)), inFlight, routerOnly: total - inFlight };
  });
  return {
    operation,
    samples: rows.length,
    totalMs: round(median(rows.map((r) => r.total))),
    slowestCallMs: round(median(rows.map((r) => r.slowest))),
    callsInFlightMs: round(median(rows.map((r) => r.inFlight))),
    routerOnlyMs: round(median(rows.map((r) => r.routerOnly))),
  };
}
