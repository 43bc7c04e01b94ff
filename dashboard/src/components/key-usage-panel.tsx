import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { UsageBucket } from '../api/types.js';
import { useLoad } from '../hooks/use-load.js';
import { Empty, ErrorMessage, Loading } from './states.js';
import { UsageChart } from './usage-chart.js';
import { bucketTotal, fillUsage, type Granularity, UNIT_MS } from './usage-series.js';

const PERIODS: Record<Granularity, { count: number; label: string; button: string }> = {
  hour: { count: 48, label: 'the last 48 hours', button: 'By hour' },
  day: { count: 30, label: 'the last 30 days', button: 'By day' },
};

/** A key's verifications over time, by hour (48 hours) or by UTC day (30 days). */
export function KeyUsagePanel({ keyId }: { keyId: string }) {
  const [granularity, setGranularity] = useState<Granularity>('hour');
  const { count, label } = PERIODS[granularity];
  const usage = useLoad(async () => {
    const unit = UNIT_MS[granularity];
    const from = Math.floor(Date.now() / unit) * unit - (count - 1) * unit;
    const series = await api<{ buckets: UsageBucket[] }>(
      'GET',
      withQuery(`/v1/keys/${encodeURIComponent(keyId)}/usage`, { granularity, since: new Date(from).toISOString() }),
    );
    return { granularity, buckets: fillUsage(series.buckets, granularity, from, count) };
  }, [keyId, granularity]);

  const shown = usage.data && usage.data.granularity === granularity ? usage.data : null;
  return (
    <section aria-labelledby="usage-heading" className="key-section">
      <div className="section-header">
        <h2 id="usage-heading">Verifications</h2>
        <div role="group" aria-label="Period" className="segmented">
          {(Object.keys(PERIODS) as Granularity[]).map((g) => (
            <button key={g} type="button" aria-pressed={granularity === g} onClick={() => setGranularity(g)}>
              {PERIODS[g].button}
            </button>
          ))}
        </div>
        <button type="button" onClick={usage.reload} disabled={usage.loading}>
          Refresh
        </button>
      </div>
      <p className="hint">Calls made with this key in {label}, by outcome. Counts reach the chart within a few seconds.</p>
      {usage.error !== null ? (
        <ErrorMessage error={usage.error} title="The usage could not be loaded." />
      ) : !shown ? (
        <Loading label="Loading usage…" />
      ) : shown.buckets.every((b) => bucketTotal(b) === 0) ? (
        <Empty>No verifications in this period</Empty>
      ) : (
        <UsageChart buckets={shown.buckets} granularity={granularity} period={label} />
      )}
    </section>
  );
}
