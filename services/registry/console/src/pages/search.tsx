import { useState } from "preact/hooks";
import type { GraphField } from "@store/registry-api";
import { useApi } from "../api.ts";
import { Await, Empty, Section } from "../ui.tsx";
import { Rules } from "./policy.tsx";

/** Find a type or field across the whole graph, with who serves and owns it and how much it is used. */
export function SearchPage() {
  const [query, setQuery] = useState("");
  const graph = useApi<{ graph: { windowHours: number; fields: GraphField[] } }>("/v1/graph/fields");
  const needle = query.trim().toLowerCase();
  return (
    <Section title="Search the graph" testId="search">
      <input
        type="search"
        placeholder="Type or field name, e.g. Product or price"
        value={query}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        aria-label="Search by type or field"
        data-testid="search-input"
      />
      <Await state={graph}>
        {({ graph }) => {
          if (!needle) return <Empty>{graph.fields.length} fields in the client-facing schema.</Empty>;
          const hits = graph.fields.filter((f) => f.coordinate.toLowerCase().includes(needle));
          if (hits.length === 0) return <Empty>No type or field matches “{query}”.</Empty>;
          return (
            <table>
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Type</th>
                  <th>Subgraphs</th>
                  <th>Owner team</th>
                  <th>Requests ({graph.windowHours} h)</th>
                  <th>Rules</th>
                </tr>
              </thead>
              <tbody>
                {hits.slice(0, 200).map((f) => (
                  <tr key={f.coordinate} data-coordinate={f.coordinate}>
                    <td class="mono">{f.coordinate}</td>
                    <td class="mono">{f.returnType}</td>
                    <td>{f.subgraphs.join(", ")}</td>
                    <td>{f.teams.join(", ")}</td>
                    <td>{f.usage}</td>
                    <td>
                      <Rules policy={f.policy} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Await>
    </Section>
  );
}
