import type { Metrics } from '../../ports/metrics.js';

/** Metrics off (neither LATCHKEY_METRICS_TOKEN nor LATCHKEY_METRICS_PORT): every report costs a call and nothing more. */
export class NoOpMetrics implements Metrics {
  readonly enabled = false;
  request(): void {}
  verification(): void {}
  gauge(): void {}
  counter(): void {}
  histogram(): (value: number) => void {
    return () => {};
  }
  instance(): void {}
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' };
  }
}
