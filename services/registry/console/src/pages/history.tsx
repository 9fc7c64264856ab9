import { useState } from "preact/hooks";
import type { SupergraphChanges, SupergraphVersionEntry } from "@store/registry-api";
import { useApi, when } from "../api.ts";
import { Await, Badge, Empty, Section } from "../ui.tsx";

interface VersionDetail {
  supergraph: { subgraphs: Array<{ name: string; version: number; routingUrl: string }> };
}

/** What one version changed for clients: every schema change with its criticality, security-relevant ones marked. */
function VersionDiff({ version }: { version: number }) {
  const changes = useApi<{ changes: SupergraphChanges }>(`/v1/supergraph/versions/${version}/changes`);
  const detail = useApi<VersionDetail>(`/v1/supergraph/versions/${version}`);
  return (
    <div class="diff" data-testid={`diff-${version}`}>
      <Await state={changes}>
        {({ changes: c }) => (
          <>
            {c.previous === null ? <Empty>The first version: nothing to compare with.</Empty> : null}
            {c.previous !== null && c.changes.length === 0 ? (
              <Empty>
                No change clients can see (v{c.previous} → v{version}).
              </Empty>
            ) : null}
            <ul class="changes">
              {c.securityChanges.map((s) => (
                <li key={`s-${s.code}-${s.coordinate}`} class="change change-security" data-change="security">
                  <Badge kind="security">security</Badge> <span class="mono">{s.coordinate}</span> {s.message}
                </li>
              ))}
              {c.changes.map((ch) => (
                <li key={`${ch.code}-${ch.coordinate}`} class={`change change-${ch.criticality}`} data-change={ch.criticality}>
                  <Badge kind={ch.criticality}>{ch.criticality}</Badge> <span class="code">{ch.code.toLowerCase().replace(/_/g, " ")}</span>{" "}
                  <span class="mono">{ch.coordinate}</span> — {ch.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </Await>
      <Await state={detail}>
        {({ supergraph }) => <p class="muted">Composed from: {supergraph.subgraphs.map((s) => `${s.name} v${s.version}`).join(", ")}</p>}
      </Await>
    </div>
  );
}

/** Every composed supergraph, newest first, each with the publish that made it and its diff to the one before. */
export function HistoryPage({ subgraph }: { subgraph?: string }) {
  const versions = useApi<{ versions: SupergraphVersionEntry[] }>("/v1/supergraph/versions?limit=200");
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Section title={subgraph ? `History of ${subgraph}` : "History"} testId="history">
      {subgraph ? (
        <p>
          <a href="#/history">Show every subgraph</a>
        </p>
      ) : null}
      <Await state={versions}>
        {({ versions }) => {
          const shown = versions.filter((v) => !subgraph || v.subgraphName === subgraph);
          const expanded = open ?? shown[0]?.version ?? null;
          return (
            <table>
              <thead>
                <tr>
                  <th>Supergraph</th>
                  <th>Subgraph version</th>
                  <th>Published</th>
                  <th>By</th>
                  <th>Notes</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((v) => [
                  <tr key={v.version} data-version={v.version} class={expanded === v.version ? "selected" : ""}>
                    <td>
                      <button type="button" class="link" onClick={() => setOpen(v.version)}>
                        v{v.version}
                      </button>
                    </td>
                    <td>
                      {v.subgraphName} v{v.subgraphVersion}
                    </td>
                    <td>{when(v.createdAt)}</td>
                    <td>
                      {v.publishedBy}
                      {v.author ? <span class="muted"> ({v.author})</span> : null}
                    </td>
                    <td>
                      {v.forceReason ? <Badge kind="breaking">forced: {v.forceReason}</Badge> : null}
                      {v.approvedBy.length ? <Badge kind="security">approved by {v.approvedBy.join(", ")}</Badge> : null}
                    </td>
                  </tr>,
                  expanded === v.version ? (
                    <tr key={`${v.version}-diff`}>
                      <td colSpan={5}>
                        <VersionDiff version={v.version} />
                      </td>
                    </tr>
                  ) : null,
                ])}
              </tbody>
            </table>
          );
        }}
      </Await>
    </Section>
  );
}
