import type { RouterReplica, SubgraphEntry } from "@store/registry-api";
import { useApi, when } from "../api.ts";
import { Await, Badge, Empty, Section } from "../ui.tsx";

/** The inventory: who owns each subgraph, where the router reaches it, its version and how the routers last saw it. */
export function SubgraphsPage() {
  const subgraphs = useApi<{ subgraphs: SubgraphEntry[] }>("/v1/subgraphs");
  const routers = useApi<{ routers: RouterReplica[] }>("/v1/routers");
  const health = (name: string) => {
    const seen = (routers.data?.routers ?? []).flatMap((r) => r.subgraphs.filter((s) => s.name === name));
    if (seen.length === 0) return <span class="muted">no router report</span>;
    const latest = seen.reduce((a, b) => (a.checkedAt > b.checkedAt ? a : b));
    return (
      <Badge kind={latest.healthy ? "ok" : "breaking"}>
        {latest.healthy ? "healthy" : "unhealthy"} · {when(latest.checkedAt)}
      </Badge>
    );
  };
  return (
    <>
      <Section title="Subgraphs" testId="subgraphs">
        <Await state={subgraphs}>
          {({ subgraphs }) => (
            <table>
              <thead>
                <tr>
                  <th>Subgraph</th>
                  <th>Owner</th>
                  <th>Routing URL</th>
                  <th>Version</th>
                  <th>Published</th>
                  <th>By</th>
                  <th>Health (router)</th>
                </tr>
              </thead>
              <tbody>
                {subgraphs.map((s) => (
                  <tr key={s.name} data-subgraph={s.name}>
                    <td>
                      <a href={`#/history?subgraph=${s.name}`}>{s.name}</a>
                    </td>
                    <td>{s.team}</td>
                    <td class="mono">{s.routingUrl}</td>
                    <td>v{s.currentVersion}</td>
                    <td>{when(s.publishedAt)}</td>
                    <td>
                      {s.publishedBy ?? "—"}
                      {s.author ? <span class="muted"> ({s.author})</span> : null}
                    </td>
                    <td>{health(s.name)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Await>
      </Section>
      <Section title="Router replicas" testId="routers">
        <Await state={routers}>
          {({ routers }) =>
            routers.length === 0 ? (
              <Empty>No router has reported in the last day.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Replica</th>
                    <th>Serves supergraph</th>
                    <th>Last report</th>
                  </tr>
                </thead>
                <tbody>
                  {routers.map((r) => (
                    <tr key={r.replicaId}>
                      <td class="mono">{r.replicaId}</td>
                      <td>{r.supergraphVersion ? `v${r.supergraphVersion}` : "none"}</td>
                      <td>{when(r.reportedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Await>
      </Section>
    </>
  );
}
