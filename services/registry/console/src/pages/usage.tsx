import { useState } from "preact/hooks";
import type { UsageSummary } from "@store/registry-api";
import { useApi } from "../api.ts";
import { UsageChart } from "../chart.tsx";
import { Await, Empty, Section } from "../ui.tsx";

const WINDOWS = [
  { hours: 24, label: "last day" },
  { hours: 24 * 7, label: "last week" },
  { hours: 24 * 30, label: "last 30 days" },
];

/** The busiest operations and fields over a window, by client, and the fields nothing used. */
export function UsagePage() {
  const [hours, setHours] = useState(24 * 7);
  const [client, setClient] = useState("");
  const usage = useApi<{ usage: UsageSummary }>(
    `/v1/usage/summary?windowHours=${hours}${client ? `&client=${encodeURIComponent(client)}` : ""}`,
  );
  return (
    <>
      <Section title="Usage" testId="usage">
        <div class="controls">
          <label>
            Window{" "}
            <select value={hours} onChange={(e) => setHours(Number((e.target as HTMLSelectElement).value))} data-testid="usage-window">
              {WINDOWS.map((w) => (
                <option key={w.hours} value={w.hours}>
                  {w.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Client{" "}
            <select value={client} onChange={(e) => setClient((e.target as HTMLSelectElement).value)} data-testid="usage-client">
              <option value="">all clients</option>
              {(usage.data?.usage.clients ?? []).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        </div>
        <Await state={usage}>
          {({ usage }) =>
            usage.hourly.length === 0 ? (
              <Empty>No usage recorded in this window.</Empty>
            ) : (
              <UsageChart points={usage.hourly} since={new Date(usage.since)} until={new Date(Date.now())} />
            )
          }
        </Await>
      </Section>
      <Await state={usage}>
        {({ usage }) => (
          <div class="columns">
            <Section title="Top operations" testId="top-operations">
              <table>
                <thead>
                  <tr>
                    <th>Operation</th>
                    <th>Client</th>
                    <th>Requests</th>
                  </tr>
                </thead>
                <tbody>
                  {usage.operations.slice(0, 25).map((o) => (
                    <tr key={`${o.operationName}-${o.clientName}`}>
                      <td class="mono">{o.operationName}</td>
                      <td>{o.clientName}</td>
                      <td>{o.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
            <Section title="Top fields" testId="top-fields">
              <table>
                <tbody>
                  {usage.fields.slice(0, 25).map((f) => (
                    <tr key={f.coordinate}>
                      <td class="mono">{f.coordinate}</td>
                      <td>{f.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
            <Section title={`Unused fields (${usage.unusedFields.length})`} testId="unused-fields">
              <p class="muted">No recorded operation used these in the window: candidates for removal.</p>
              <ul class="mono compact">
                {usage.unusedFields.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </Section>
          </div>
        )}
      </Await>
    </>
  );
}
