import type { KeyView } from '../api/types.js';

const SOON_MS = 7 * 24 * 3600 * 1000;

/** Active, disabled, expired or revoked as the server reports it, plus "expiring soon" within seven days. */
export function displayStatus(key: Pick<KeyView, 'status' | 'expiresAt'>, now = Date.now()): string {
  if (key.status === 'active' && key.expiresAt && Date.parse(key.expiresAt) - now < SOON_MS) return 'expiring soon';
  return key.status;
}

export function StatusBadge({ keyView }: { keyView: Pick<KeyView, 'status' | 'expiresAt'> }) {
  const status = displayStatus(keyView);
  return <span className={`badge badge-${status.replace(' ', '-')}`}>{status}</span>;
}
