/**
 * What an instance reports about itself for scraping (GET /metrics). Labels are chosen by the caller and must be
 * bounded and secret-free: a route pattern, never a URL; an outcome code, never a key.
 */
export interface Metrics {
  /** False for the no-op adapter: callers may skip work (registering hooks) that only feeds metrics. */
  readonly enabled: boolean;
  /** One finished HTTP request: its route pattern (or `unmatched`), method, status and duration. */
  request(route: string, method: string, status: number, durationMs: number): void;
  /** One verification's outcome code (the verify code registry). */
  verification(code: string): void;
  /** A value read at scrape time (cache size, backlog); `read` returning undefined reports NaN (no value yet). */
  gauge(name: string, help: string, read: () => number | undefined): void;
  /** A count read at scrape time from a counter kept elsewhere (it only grows). */
  counter(name: string, help: string, read: () => number): void;
  /** A distribution of observed values (seconds, by Prometheus convention); returns the function to observe with. */
  histogram(name: string, help: string, buckets: readonly number[]): (value: number) => void;
  /** Names this instance (`latchkey_instance_info{instance_id=…} 1`). */
  instance(instanceId: string): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}
