/** Where background work (usage flushes, timers) reports what no request will: pino's logger fits. */
export interface BackgroundLog {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}
