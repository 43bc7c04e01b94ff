import type { UsageBucket } from '../api/types.js';
import { bucketLabel, bucketTotal, codeColour, codeLabel, type Granularity, usageCodes } from './usage-series.js';
import './usage-chart.css';

const WIDTH = 760;
const HEIGHT = 262;
const LEFT = 48;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 52;

/** Gridline values on round numbers: a step of 1, 2, 2.5 or 5 × 10ⁿ, about four steps up to the tallest bar. */
function gridValues(max: number): number[] {
  const rough = Math.max(1, max / 4);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const factors = magnitude >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10];
  const step = (factors.find((f) => f * magnitude >= rough) ?? 10) * magnitude;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

/** An axis label: the hour (or day), and under it the date on the first tick and at each local midnight. */
function tickLines(start: string, granularity: Granularity, first: boolean): [string, string | null] {
  const date = new Date(start);
  if (granularity === 'day') return [date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }), null];
  const hour = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = first || date.getHours() === 0 ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) : null;
  return [hour, day];
}

function Tick({ x, lines: [top, bottom] }: { x: number; lines: [string, string | null] }) {
  return (
    <g className="tick">
      <line x1={x} x2={x} y1={HEIGHT - BOTTOM} y2={HEIGHT - BOTTOM + 4} />
      <text x={x} y={HEIGHT - BOTTOM + 15} textAnchor="middle">
        {top}
      </text>
      {bottom && (
        <text x={x} y={HEIGHT - BOTTOM + 28} textAnchor="middle">
          {bottom}
        </text>
      )}
    </g>
  );
}

/**
 * Stacked bars, one per hour or day, one colour per outcome code, in plain SVG. The SVG is one image to a screen
 * reader (its label sums the period up); the same numbers are in a table below it for anyone who wants them.
 */
export function UsageChart({ buckets, granularity, period }: { buckets: UsageBucket[]; granularity: Granularity; period: string }) {
  const codes = usageCodes(buckets);
  const totals = new Map(codes.map((code) => [code, buckets.reduce((sum, b) => sum + (b.counts[code] ?? 0), 0)]));
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  const grid = gridValues(Math.max(0, ...buckets.map(bucketTotal)));
  const yMax = grid[grid.length - 1]!;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, buckets.length);
  const barWidth = Math.max(1, slot * 0.72);
  const y = (value: number) => TOP + plotHeight - (value / yMax) * plotHeight;
  // Hours are marked at 00, 06, 12 and 18 o'clock; days every fifth day.
  const ticks = buckets.map((b, i) => (granularity === 'hour' ? new Date(b.start).getHours() % 6 === 0 && new Date(b.start).getMinutes() === 0 : i % 5 === 0));
  const firstTick = ticks.indexOf(true);
  const summary =
    `Verifications by ${granularity}, ${period}: ${total} in total` +
    (codes.length > 0 ? `; ${codes.map((code) => `${code} ${totals.get(code)}`).join(', ')}.` : '.');

  return (
    <figure className="usage-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        {grid.map((value) => (
          <g key={value} className="grid">
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(value)} y2={y(value)} />
            <text x={LEFT - 6} y={y(value)} textAnchor="end" dominantBaseline="middle">
              {value.toLocaleString()}
            </text>
          </g>
        ))}
        <text className="axis-title" x={12} y={TOP + plotHeight / 2} transform={`rotate(-90 12 ${TOP + plotHeight / 2})`} textAnchor="middle">
          Calls
        </text>
        {buckets.map((bucket, i) => {
          const x = LEFT + i * slot + (slot - barWidth) / 2;
          let stacked = 0;
          const parts = codes.filter((code) => (bucket.counts[code] ?? 0) > 0);
          const title =
            `${bucketLabel(bucket.start, granularity)}: ${bucketTotal(bucket)} calls` +
            (parts.length > 0 ? ` (${parts.map((code) => `${code} ${bucket.counts[code]}`).join(', ')})` : '');
          return (
            <g key={bucket.start} className="bar">
              <title>{title}</title>
              <rect className="hover-target" x={LEFT + i * slot} y={TOP} width={slot} height={plotHeight} />
              {parts.map((code) => {
                const n = bucket.counts[code] ?? 0;
                const top = y(stacked + n);
                const bottom = y(stacked);
                stacked += n;
                return <rect key={code} x={x} y={top} width={barWidth} height={Math.max(0.5, bottom - top)} fill={codeColour(code, codes)} />;
              })}
              {ticks[i] && <Tick x={LEFT + i * slot + slot / 2} lines={tickLines(bucket.start, granularity, i === firstTick)} />}
            </g>
          );
        })}
        <line className="axis" x1={LEFT} x2={WIDTH - RIGHT} y1={TOP + plotHeight} y2={TOP + plotHeight} />
        <text className="axis-title" x={LEFT + plotWidth / 2} y={HEIGHT - 4} textAnchor="middle">
          {granularity === 'hour' ? 'Hour (your local time)' : 'Day (UTC)'}
        </text>
      </svg>
      <figcaption>
        <ul className="legend" aria-label="Legend">
          {codes.map((code) => (
            <li key={code}>
              <span className="swatch" style={{ background: codeColour(code, codes) }} aria-hidden="true" />
              {codeLabel(code)}: {totals.get(code)?.toLocaleString()}
            </li>
          ))}
        </ul>
      </figcaption>
      <details className="usage-table">
        <summary>Show these numbers as a table</summary>
        <table>
          <caption className="visually-hidden">Verifications by {granularity}, {period}</caption>
          <thead>
            <tr>
              <th scope="col">{granularity === 'hour' ? 'Hour' : 'Day (UTC)'}</th>
              {codes.map((code) => (
                <th scope="col" key={code}>
                  {code}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket) => (
              <tr key={bucket.start}>
                <th scope="row">{bucketLabel(bucket.start, granularity)}</th>
                {codes.map((code) => (
                  <td key={code}>{bucket.counts[code] ?? 0}</td>
                ))}
                <td>{bucketTotal(bucket)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
