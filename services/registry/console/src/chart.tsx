import { scaleLinear, scaleOrdinal, scaleUtc } from "d3-scale";
import { line } from "d3-shape";

/**
 * Requests per hour, one line per client, as SVG that Preact renders: d3 computes the scales and
 * paths, every attribute is set by the page (no inline style attributes, no <style>), so the strict
 * content security policy holds.
 */

export interface Point {
  hour: string;
  clientName: string;
  count: number;
}

const WIDTH = 760;
const HEIGHT = 240;
const M = { top: 12, right: 140, bottom: 28, left: 48 };
const COLORS = ["c0", "c1", "c2", "c3", "c4", "c5"];

const HOUR_MS = 3_600_000;

/** One point per hour of the window for a client, 0 where nothing was recorded, so a line never bridges a quiet gap. */
function everyHour(points: Point[], since: Date, until: Date): Point[] {
  const byHour = new Map(points.map((p) => [new Date(p.hour).getTime(), p]));
  const filled: Point[] = [];
  for (let t = Math.ceil(since.getTime() / HOUR_MS) * HOUR_MS; t <= until.getTime(); t += HOUR_MS) {
    filled.push(byHour.get(t) ?? { hour: new Date(t).toISOString(), clientName: points[0]!.clientName, count: 0 });
  }
  return filled;
}

export function UsageChart({ points, since, until }: { points: Point[]; since: Date; until: Date }) {
  const clients = [...new Set(points.map((p) => p.clientName))].sort();
  const x = scaleUtc()
    .domain([since, until])
    .range([M.left, WIDTH - M.right]);
  const y = scaleLinear()
    .domain([0, Math.max(1, ...points.map((p) => p.count))])
    .nice()
    .range([HEIGHT - M.bottom, M.top]);
  const color = scaleOrdinal<string, string>().domain(clients).range(COLORS);
  const path = line<Point>()
    .x((p) => x(new Date(p.hour)))
    .y((p) => y(p.count));
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Requests per hour by client" data-testid="usage-chart">
      <g class="axis">
        {y.ticks(5).map((t) => (
          <g key={`y${t}`}>
            <line x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} class="grid" />
            <text x={M.left - 6} y={y(t)} dy="0.32em" text-anchor="end">
              {t}
            </text>
          </g>
        ))}
        {x.ticks(6).map((t) => (
          <text key={`x${t.getTime()}`} x={x(t)} y={HEIGHT - 8} text-anchor="middle">
            {x.tickFormat(6)(t)}
          </text>
        ))}
      </g>
      {clients.map((client) => {
        const series = points.filter((p) => p.clientName === client);
        return (
          <g key={client} class={`series ${color(client)}`} data-client={client}>
            <path d={path(everyHour(series, since, until)) ?? ""} class="line" />
            {series.map((p) => (
              <circle key={p.hour} cx={x(new Date(p.hour))} cy={y(p.count)} r={3} class="dot">
                <title>{`${client}: ${p.count} requests, ${p.hour.slice(0, 13)}h`}</title>
              </circle>
            ))}
          </g>
        );
      })}
      {clients.map((client, i) => (
        <g key={`legend-${client}`} class={`legend ${color(client)}`} transform={`translate(${WIDTH - M.right + 12}, ${M.top + i * 18})`}>
          <rect width={10} height={10} class="swatch" />
          <text x={16} y={9}>
            {client}
          </text>
        </g>
      ))}
    </svg>
  );
}
