import { useState } from 'react';
import { api, withQuery } from '../api/client.js';
import type { Invitation, Member, Page, Role } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { grantableRoles, ROLE_SUMMARY } from '../components/grantable-roles.js';
import { InviteMemberDialog } from '../components/invite-member-dialog.js';
import { Empty, ErrorMessage, Loading } from '../components/states.js';
import { formatDay } from '../format.js';
import { loadAll } from '../hooks/use-cursor-list.js';
import { useLoad } from '../hooks/use-load.js';
import { useSession } from '../session.js';
import './members-page.css';

type Pending = { kind: 'role'; member: Member; role: Role } | { kind: 'remove'; member: Member } | { kind: 'revoke'; invitation: Invitation };

/** Why a member's role or membership cannot be changed by the signed-in member, or null when it can. */
function lockReason(member: Member, owners: number, ownRole: Role | null): string | null {
  if (member.role === 'owner' && owners <= 1) return 'The last owner cannot be removed or demoted.';
  if (member.role === 'owner' && ownRole !== 'owner') return 'Only an owner can change or remove an owner.';
  return null;
}

/**
 * Who belongs to the organization and in which role. The whole list is loaded at once: the last-owner rule
 * depends on every member, not on one page of them.
 */
export function MembersPage() {
  const { can, whoami, refresh } = useSession();
  const writable = can('latchkey:members:write');
  const [inviting, setInviting] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const members = useLoad(() => loadAll((cursor, limit) => api<Page<Member>>('GET', withQuery('/v1/members', { cursor, limit }))), []);
  const invitations = useLoad(
    () => (writable ? loadAll((cursor, limit) => api<Page<Invitation>>('GET', withQuery('/v1/invitations', { cursor, limit }))) : Promise.resolve([] as Invitation[])),
    [writable],
  );
  const list = members.data ?? [];
  const owners = list.filter((m) => m.role === 'owner').length;
  const selfId = whoami.user?.id;

  return (
    <section className="members-page">
      <div className="page-header">
        <h1>Members</h1>
        {writable && (
          <button type="button" className="primary" onClick={() => setInviting(true)}>
            Invite member
          </button>
        )}
      </div>
      <p className="note" id="last-owner-rule">
        An organization always keeps at least one owner: the last owner cannot be removed or demoted.
      </p>
      {members.error !== null ? (
        <>
          <ErrorMessage error={members.error} title="The members could not be loaded." />
          <button type="button" onClick={members.reload}>
            Try again
          </button>
        </>
      ) : !members.data ? (
        <Loading label="Loading members…" />
      ) : list.length === 0 ? (
        <Empty>This organization has no members.</Empty>
      ) : (
        <table aria-busy={members.loading}>
          <caption className="visually-hidden">Members of {whoami.organization.name}</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              {writable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.map((member) => {
              const reason = lockReason(member, owners, whoami.role);
              const reasonId = `lock-${member.userId}`;
              const options = [...new Set<Role>([...grantableRoles(whoami.role), member.role])];
              return (
                <tr key={member.userId}>
                  <td>
                    {member.email}
                    {member.userId === selfId && <span className="hint"> (you)</span>}
                  </td>
                  <td>{member.name || <span className="hint">—</span>}</td>
                  <td>
                    {writable ? (
                      <select
                        aria-label={`Role of ${member.email}`}
                        value={member.role}
                        disabled={reason !== null}
                        aria-describedby={reason ? reasonId : undefined}
                        onChange={(e) => setPending({ kind: 'role', member, role: e.target.value as Role })}
                      >
                        {options.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className="role-name">{member.role}</span>
                    )}
                    {writable && reason && (
                      <div className="lock-reason" id={reasonId}>
                        {reason}
                      </div>
                    )}
                  </td>
                  <td>{formatDay(member.createdAt)}</td>
                  {writable && (
                    <td className="row-actions">
                      <button
                        type="button"
                        aria-label={`Remove ${member.email}`}
                        disabled={reason !== null}
                        aria-describedby={reason ? reasonId : undefined}
                        onClick={() => setPending({ kind: 'remove', member })}
                      >
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {writable && (
        <PendingInvitations
          invitations={invitations.data}
          error={invitations.error}
          ownRole={whoami.role}
          onReload={invitations.reload}
          onRevoke={(invitation) => setPending({ kind: 'revoke', invitation })}
        />
      )}
      {inviting && <InviteMemberDialog ownRole={whoami.role} onClose={() => setInviting(false)} onInvited={invitations.reload} />}
      {pending?.kind === 'revoke' && (
        <ConfirmDialog
          title="Revoke invitation"
          confirmLabel="Revoke"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await api('DELETE', `/v1/invitations/${encodeURIComponent(pending.invitation.id)}`);
            invitations.reload();
          }}
        >
          <p>
            Revoke the invitation of <strong>{pending.invitation.email}</strong> as {pending.invitation.role}? Its link stops working at once.
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'role' && (
        <ConfirmDialog
          title="Change role"
          confirmLabel="Change role"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await api('PATCH', `/v1/members/${encodeURIComponent(pending.member.userId)}`, { role: pending.role });
            members.reload();
            if (pending.member.userId === selfId) await refresh();
          }}
        >
          <p>
            Change the role of <strong>{pending.member.email}</strong> from {pending.member.role} to <strong>{pending.role}</strong>?
          </p>
          <p className="hint">
            {ROLE_SUMMARY[pending.role]} Their sessions and personal tokens follow the new role at once.
            {pending.member.userId === selfId ? ' This is your own role: you may lose access to this page.' : ''}
          </p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'remove' && (
        <ConfirmDialog
          title="Remove member"
          confirmLabel="Remove"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await api('DELETE', `/v1/members/${encodeURIComponent(pending.member.userId)}`);
            if (pending.member.userId === selfId) await refresh();
            else members.reload();
          }}
        >
          <p>
            Remove <strong>{pending.member.email}</strong> ({pending.member.role}) from {whoami.organization.name}?
          </p>
          <p className="hint">
            Their personal tokens in this organization are revoked and their sessions here end. Their Latchkey account itself stays.
            {pending.member.userId === selfId ? ' This is you: you will be signed out of this organization.' : ''}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Invitations not yet accepted, revoked or expired. Nobody on this list is a member yet. */
function PendingInvitations(props: {
  invitations: Invitation[] | null;
  error: unknown;
  ownRole: Role | null;
  onReload: () => void;
  onRevoke: (invitation: Invitation) => void;
}) {
  const grantable = grantableRoles(props.ownRole);
  return (
    <section className="pending-invitations" aria-labelledby="pending-invitations-title">
      <h2 id="pending-invitations-title">Pending invitations</h2>
      {props.error !== null ? (
        <>
          <ErrorMessage error={props.error} title="The invitations could not be loaded." />
          <button type="button" onClick={props.onReload}>
            Try again
          </button>
        </>
      ) : !props.invitations ? (
        <Loading label="Loading invitations…" />
      ) : props.invitations.length === 0 ? (
        <Empty>No pending invitations.</Empty>
      ) : (
        <table>
          <caption className="visually-hidden">Pending invitations</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.invitations.map((invitation) => (
              <tr key={invitation.id}>
                <td>{invitation.email}</td>
                <td>
                  <span className="role-name">{invitation.role}</span>
                </td>
                <td>{formatDay(invitation.createdAt)}</td>
                <td>{formatDay(invitation.expiresAt)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    aria-label={`Revoke invitation of ${invitation.email}`}
                    disabled={!grantable.includes(invitation.role)}
                    title={grantable.includes(invitation.role) ? undefined : 'Only an owner can revoke an invitation to be an owner.'}
                    onClick={() => props.onRevoke(invitation)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
