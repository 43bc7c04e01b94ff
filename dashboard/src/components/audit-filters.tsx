import { useState } from 'react';
import { AUDIT_ACTIONS } from './audit-actions.js';
import { Field } from './field.js';
import { focusFirstInvalid } from './focus-first-invalid.js';

export interface AuditFilterValues {
  action: string;
  actorId: string;
  targetId: string;
  /** yyyy-mm-dd, local days, both inclusive. */
  since: string;
  until: string;
}

export const NO_FILTERS: AuditFilterValues = { action: '', actorId: '', targetId: '', since: '', until: '' };

function validate(v: AuditFilterValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (v.action.length > 100) errors.action = 'Use at most 100 characters.';
  if (v.actorId.length > 64) errors.actorId = 'An id has at most 64 characters.';
  if (v.targetId.length > 200) errors.targetId = 'Use at most 200 characters.';
  if (v.since && v.until && v.since > v.until) errors.until = 'Choose a day on or after the “Since” day.';
  return errors;
}

/** The log's filters; nothing is asked of the server until "Apply", so half-typed ids do not fire requests. */
export function AuditFilters({ initial, onApply }: { initial: AuditFilterValues; onApply: (values: AuditFilterValues) => void }) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (name: keyof AuditFilterValues) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }));
  return (
    <form
      className="audit-filters"
      aria-label="Filter the audit log"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const trimmed = { action: values.action.trim(), actorId: values.actorId.trim(), targetId: values.targetId.trim(), since: values.since, until: values.until };
        const found = validate(trimmed);
        setErrors(found);
        if (Object.keys(found).length === 0) onApply(trimmed);
        else focusFirstInvalid(event.currentTarget);
      }}
    >
      <Field label="Action" error={errors.action}>
        {(a) => <input {...a} list="audit-action-list" value={values.action} onChange={set('action')} placeholder="key.revoked" maxLength={100} />}
      </Field>
      <datalist id="audit-action-list">
        {AUDIT_ACTIONS.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      <Field label="Actor ID" error={errors.actorId}>
        {(a) => <input {...a} value={values.actorId} onChange={set('actorId')} placeholder="usr_… or key_…" maxLength={64} />}
      </Field>
      <Field label="Target ID" error={errors.targetId}>
        {(a) => <input {...a} value={values.targetId} onChange={set('targetId')} placeholder="key_…, prj_…, usr_…" maxLength={200} />}
      </Field>
      <Field label="Since" error={errors.since}>
        {(a) => <input {...a} type="date" value={values.since} onChange={set('since')} />}
      </Field>
      <Field label="Until" error={errors.until}>
        {(a) => <input {...a} type="date" value={values.until} onChange={set('until')} />}
      </Field>
      <div className="filter-buttons">
        <button type="submit" className="primary">
          Apply
        </button>
        <button
          type="button"
          onClick={() => {
            setValues(NO_FILTERS);
            setErrors({});
            onApply(NO_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
