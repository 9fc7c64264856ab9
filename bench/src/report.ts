import type { LoadResult } from "./load.ts";
import type { OverheadFigures } from "./workload2/router-overhead.ts";

export interface GatewayFigures {
  gateway: string;
  rounds: LoadResult[];
  medianRps: number;
  medianP50Ms: number;
  medianP99Ms: number;
  peakMemoryMiB: number;
  /** Peak RSS of a fresh process serving the same fixed request rate as the other gateway (workload 1). */
  peakMemoryAtEqualRateMiB?: number;
  /** Subgraph HTTP requests per client operation. */
  fetchesPerOperation: number;
  failedRequests: number;
}

export interface WorkloadReport {
  workload: string;
  description: string;
  gateways: GatewayFigures[];
  notes: string[];
  /** The request rate of the equal-rate memory run, when there was one. */
  equalRate?: number;
  /** Workload 2: what our router adds on top of its subgraph calls, per read operation. */
  overhead?: OverheadFigures[];
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function toMarkdown(reports: WorkloadReport[], settings: string): string {
  const lines = [`# Gateway benchmark`, "", settings, ""];
  for (const report of reports) {
    const stock = report.gateways.find((g) => g.gateway === "stock");
    lines.push(`## ${report.workload}`, "", report.description, "");
    const equal = report.equalRate !== undefined;
    lines.push(
      `| gateway | req/s (median) | vs stock | p50 ms | p99 ms | peak RSS MiB |${equal ? ` peak RSS MiB at ${report.equalRate} req/s |` : ""} subgraph fetches / op | failed |`,
    );
    lines.push(`| --- | ---: | ---: | ---: | ---: | ---: |${equal ? " ---: |" : ""} ---: | ---: |`);
    for (const g of report.gateways) {
      const ratio = stock ? (g.medianRps / stock.medianRps).toFixed(2) + "x" : "";
      lines.push(
        `| ${g.gateway} | ${g.medianRps.toFixed(0)} | ${ratio} | ${g.medianP50Ms} | ${g.medianP99Ms} | ${g.peakMemoryMiB} |${equal ? ` ${g.peakMemoryAtEqualRateMiB ?? ""} |` : ""} ${g.fetchesPerOperation.toFixed(1)} | ${g.failedRequests} |`,
      );
    }
    lines.push("", ...report.notes.map((n) => `- ${n}`), "");
  }
  return lines.join("\n");
}
