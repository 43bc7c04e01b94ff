/** One entry of an organization's audit trail, as the domain sees it. Never holds a secret. */
export interface AuditEvent {
  id: string;
  orgId: string;
  action: string;
  actor: { type: 'user' | 'key' | 'system' | 'anonymous'; id: string | null };
  target: { type: string; id: string } | null;
  ip: string | null;
  requestId: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  details: Record<string, unknown> | null;
}
