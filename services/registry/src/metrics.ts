import { Counter, Gauge } from "prom-client";
import { createServiceMetrics } from "@store/service-kit";

/** The kit's HTTP metrics plus what a registry operator watches: checks, publishes, usage intake. */
export function createRegistryMetrics() {
  const base = createServiceMetrics("registry");
  const registers = [base.registry];
  return {
    ...base,
    checks: new Counter({
      name: "registry_checks_total",
      help: "Schema checks by outcome (passed, composition_failed, breaking, needs_approval)",
      labelNames: ["outcome"],
      registers,
    }),
    publishes: new Counter({
      name: "registry_publishes_total",
      help: "Publish attempts that reached the checks, by outcome (published, forced, unchanged, composition_failed, ownership_not_approved, security_not_approved, breaking, conflict)",
      labelNames: ["outcome"],
      registers,
    }),
    usageReports: new Counter({
      name: "registry_usage_reports_total",
      help: "Operation usage reports received from routers",
      registers,
    }),
    usageReportsIgnored: new Counter({
      name: "registry_usage_reports_ignored_total",
      help: "Usage reports ignored because the router could not identify their client",
      registers,
    }),
    supergraphVersion: new Gauge({
      name: "registry_supergraph_version",
      help: "The latest supergraph version",
      registers,
    }),
  };
}

export type RegistryMetrics = ReturnType<typeof createRegistryMetrics>;
