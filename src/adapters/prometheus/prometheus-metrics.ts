import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../../ports/metrics.js';

/** Seconds; from a cached verification (well under a millisecond) to a slow management call. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Child = { inc(): void };
type HistogramChild = { observe(value: number): void };

/**
 * Metrics on a prom-client registry of the instance's own (not the global one, so two apps in one test process
 * stay apart). Label children are bound once per (route, method, status) and kept in a map, so a request costs
 * one string concatenation, one map lookup, an increment and a histogram observation.
 */
export class PrometheusMetrics implements Metrics {
  readonly enabled = true;
  private readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'latchkey_http_requests_total', help: 'HTTP requests by route pattern, method and status.', labelNames: ['route', 'method', 'status'] as const, registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'latchkey_http_request_duration_seconds', help: 'HTTP request duration by route pattern and method.', labelNames: ['route', 'method'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly verifications = new Counter({ name: 'latchkey_verifications_total', help: 'Key verifications by outcome code.', labelNames: ['code'] as const, registers: [this.registry] });
  private readonly info = new Gauge({ name: 'latchkey_instance_info', help: 'This instance (value 1), labelled with its id.', labelNames: ['instance_id'] as const, registers: [this.registry] });
  private readonly requestChildren = new Map<string, { count: Child; latency: HistogramChild }>();
  private readonly verificationChildren = new Map<string, Child>();

  request(route: string, method: string, status: number, durationMs: number): void {
    const key = `${method} ${status} ${route}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      child = { count: this.requests.labels(route, method, String(status)), latency: this.latency.labels(route, method) };
      this.requestChildren.set(key, child);
    }
    child.count.inc();
    child.latency.observe(durationMs / 1000);
  }

  verification(code: string): void {
    let child = this.verificationChildren.get(code);
    if (!child) {
      child = this.verifications.labels(code);
      this.verificationChildren.set(code, child);
    }
    child.inc();
  }

  gauge(name: string, help: string, read: () => number | undefined): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        // An unlabelled prom-client gauge always has a sample; "no value yet" is NaN, which Prometheus understands.
        this.set(read() ?? Number.NaN);
      },
    });
  }

  counter(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        // The count lives with its owner; the metric mirrors it at each scrape.
        this.reset();
        this.inc(read());
      },
    });
  }

  histogram(name: string, help: string, buckets: readonly number[]): (value: number) => void {
    const histogram = new Histogram({ name, help, buckets: [...buckets], registers: [this.registry] });
    return (value) => histogram.observe(value);
  }

  instance(instanceId: string): void {
    this.info.labels(instanceId).set(1);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
