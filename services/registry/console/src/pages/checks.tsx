import type { CheckRun } from "@store/registry-api";
import { useApi, when } from "../api.ts";
import { Await, Badge, Empty, Section } from "../ui.tsx";

/** One check: its verdict, its judged changes and, under each breaking one, the operations and clients it would hit. */
function CheckCard({ run }: { run: CheckRun }) {
  const { report } = run;
  return (
    <article class="check" data-check={run.id}>
      <h3>
        <Badge kind={run.ok ? "ok" : "breaking"}>{run.ok ? "passed" : "failed"}</Badge> {run.subgraph}{" "}
        <span class="muted">
          checked by {run.requestedBy} · {when(run.createdAt)} · usage of the last {report.usage.windowHours} h
        </span>
      </h3>
      {!report.composition.ok ? (
        <ul class="changes">
          {report.composition.errors.map((e, i) => (
            <li key={i} class="change change-breaking">
              <Badge kind="breaking">composition</Badge> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {report.composition.ok && report.changes.length === 0 ? <Empty>No change clients can see.</Empty> : null}
      <ul class="changes">
        {report.changes.map((c) => (
          <li key={`${c.code}-${c.coordinate}`} class={`change change-${c.criticality}`} data-change={c.criticality}>
            <Badge kind={c.criticality}>{c.blocking ? "breaking · blocks" : c.criticality}</Badge> <span class="mono">{c.coordinate}</span>{" "}
            — {c.message}
            {c.affectedOperations.length ? (
              <table class="affected" data-testid="affected-operations">
                <thead>
                  <tr>
                    <th>Operation it hits</th>
                    <th>Client</th>
                    <th>Requests</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {c.affectedOperations.map((op) => (
                    <tr key={`${op.operationName}-${op.clientName}-${op.clientVersion}`}>
                      <td class="mono">{op.operationName}</td>
                      <td>
                        {op.clientName}
                        {op.clientVersion ? <span class="muted"> {op.clientVersion}</span> : null}
                      </td>
                      <td>{op.count}</td>
                      <td>{when(op.lastSeen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : c.criticality !== "safe" ? (
              <span class="muted"> (no recorded operation uses it)</span>
            ) : null}
          </li>
        ))}
        {report.securityChanges.map((s) => (
          <li key={`s-${s.code}-${s.coordinate}`} class="change change-security" data-change="security">
            <Badge kind="security">security{s.approved ? " · approved" : " · needs approval"}</Badge>{" "}
            <span class="mono">{s.coordinate}</span> — {s.message}
          </li>
        ))}
      </ul>
    </article>
  );
}

export function ChecksPage() {
  const checks = useApi<{ checks: CheckRun[] }>("/v1/checks?limit=50");
  return (
    <Section title="Checks" testId="checks">
      <Await state={checks}>
        {({ checks }) =>
          checks.length === 0 ? (
            <Empty>No check was run yet (`supergraph check`).</Empty>
          ) : (
            checks.map((run) => <CheckCard key={run.id} run={run} />)
          )
        }
      </Await>
    </Section>
  );
}
