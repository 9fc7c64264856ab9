import type { FieldPolicy, GraphField, PolicyChange } from "@store/registry-api";
import { useApi, when } from "../api.ts";
import { Await, Badge, Empty, Section } from "../ui.tsx";

const dnf = (sets: string[][]) => sets.map((all) => all.join(" + ")).join(" | ");

/** A field's access rules as badges. */
export function Rules({ policy }: { policy: FieldPolicy | null }) {
  if (!policy) return <span class="muted">none</span>;
  return (
    <>
      {policy.authenticated ? <Badge kind="security">@authenticated</Badge> : null}
      {policy.requiresScopes ? <Badge kind="security">@requiresScopes {dnf(policy.requiresScopes)}</Badge> : null}
      {policy.policy ? <Badge kind="security">@policy {dnf(policy.policy)}</Badge> : null}
      {policy.cost !== null ? <Badge kind="dangerous">@cost {policy.cost}</Badge> : null}
    </>
  );
}

const hasRules = (p: FieldPolicy) => p.authenticated || !!p.requiresScopes || !!p.policy || p.cost !== null;

/** Which fields carry access and cost rules, who owns them, and how the rules changed. */
export function PolicyPage() {
  const graph = useApi<{ graph: { supergraphVersion: number; fields: GraphField[] } }>("/v1/graph/fields");
  const history = useApi<{ changes: PolicyChange[] }>("/v1/graph/policy-history?limit=100");
  return (
    <>
      <Section title="Fields with access or cost rules" testId="policy">
        <Await state={graph}>
          {({ graph }) => (
            <table>
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Rules</th>
                  <th>Subgraphs</th>
                  <th>Owner team</th>
                </tr>
              </thead>
              <tbody>
                {graph.fields
                  .filter((f) => hasRules(f.policy))
                  .map((f) => (
                    <tr key={f.coordinate} data-coordinate={f.coordinate}>
                      <td class="mono">{f.coordinate}</td>
                      <td>
                        <Rules policy={f.policy} />
                      </td>
                      <td>{f.subgraphs.join(", ")}</td>
                      <td>{f.teams.join(", ")}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </Await>
      </Section>
      <Section title="Changes to the rules" testId="policy-history">
        <Await state={history}>
          {({ changes }) =>
            changes.length === 0 ? (
              <Empty>No rule changed in the recent supergraph versions.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>Supergraph</th>
                    <th>When</th>
                    <th>Published by</th>
                    <th>Field</th>
                    <th>Before</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((c) => (
                    <tr key={`${c.version}-${c.coordinate}`} data-coordinate={c.coordinate}>
                      <td>v{c.version}</td>
                      <td>{when(c.createdAt)}</td>
                      <td>
                        {c.publishedBy} ({c.subgraphName})
                      </td>
                      <td class="mono">{c.coordinate}</td>
                      <td>
                        <Rules policy={c.before} />
                      </td>
                      <td>
                        <Rules policy={c.after} />
                      </td>
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
