/** The actions the server records, offered as suggestions in the action filter: the server's own registry. */
export { AUDIT_ACTIONS } from '../../../src/domain/audit-actions.js';
