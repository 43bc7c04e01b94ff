/** One running server's sign of life, by which instances on one database notice each other. */
export interface InstanceHeartbeat {
  instanceId: string;
  host: string;
  pid: number;
  /** Epoch milliseconds. */
  startedAt: number;
  lastSeenAt: number;
}
