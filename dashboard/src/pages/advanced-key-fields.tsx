import { useEffect, useState } from 'react';
import { Field } from '../components/field.js';
import type { AdvancedValues, IntervalUnit } from './advanced-key-values.js';

const ADVANCED_FIELDS: (keyof AdvancedValues)[] = ['rateLimit', 'rateWindowSeconds', 'creditsRemaining', 'refillAmount', 'refillInterval', 'ipRanges', 'metadata'];

/**
 * Rate limit, credits, IP ranges and metadata, folded away under "Advanced" because most keys need none of them.
 * It opens by itself when one of its fields has an error, so a refusal is never hidden.
 */
export function AdvancedKeyFields(props: {
  values: AdvancedValues;
  errors: Record<string, string>;
  onChange: (values: AdvancedValues) => void;
  summary?: string;
  defaultOpen?: boolean;
}) {
  const { values, errors } = props;
  const [open, setOpen] = useState(Boolean(props.defaultOpen));
  const hasError = ADVANCED_FIELDS.some((name) => errors[name]);
  useEffect(() => {
    if (hasError) setOpen(true);
  }, [hasError]);
  const set = (name: keyof AdvancedValues) => (event: { target: { value: string } }) => props.onChange({ ...values, [name]: event.target.value });

  return (
    <details className="advanced" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{props.summary ?? 'Advanced'}</summary>
      <div className="form advanced-body">
        <fieldset>
          <legend>Rate limit</legend>
          <div className="field-row">
            <Field label="Requests per window" error={errors.rateLimit} hint="Empty for no limit.">
              {(a) => <input {...a} inputMode="numeric" value={values.rateLimit} onChange={set('rateLimit')} />}
            </Field>
            <Field label="Window (seconds)" error={errors.rateWindowSeconds} hint="1 to 86,400.">
              {(a) => <input {...a} inputMode="numeric" value={values.rateWindowSeconds} onChange={set('rateWindowSeconds')} />}
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>Credits</legend>
          <div className="field-row">
            <Field label="Credits remaining" error={errors.creditsRemaining} hint="Each verification spends one. Empty for unlimited.">
              {(a) => <input {...a} inputMode="numeric" value={values.creditsRemaining} onChange={set('creditsRemaining')} />}
            </Field>
            <Field label="Refill amount" error={errors.refillAmount} hint="Optional.">
              {(a) => <input {...a} inputMode="numeric" value={values.refillAmount} onChange={set('refillAmount')} />}
            </Field>
            <Field label="Refill every" error={errors.refillInterval} hint="Optional; at least 1 minute.">
              {(a) => (
                <span className="with-unit">
                  <input {...a} inputMode="decimal" value={values.refillInterval} onChange={set('refillInterval')} />
                  <select aria-label="Refill interval unit" value={values.refillUnit} onChange={(event) => props.onChange({ ...values, refillUnit: event.target.value as IntervalUnit })}>
                    <option value="minutes">minutes</option>
                    <option value="hours">hours</option>
                    <option value="days">days</option>
                  </select>
                </span>
              )}
            </Field>
          </div>
        </fieldset>
        <Field label="Allowed IP ranges" error={errors.ipRanges} hint="One CIDR range or address per line, e.g. 10.0.0.0/8. Empty allows every address.">
          {(a) => <textarea {...a} rows={3} value={values.ipRanges} onChange={set('ipRanges')} spellCheck={false} />}
        </Field>
        <Field label="Metadata (JSON)" error={errors.metadata} hint='A JSON object returned with every verification, e.g. {"team": "billing"}. Empty for none.'>
          {(a) => <textarea {...a} rows={4} value={values.metadata} onChange={set('metadata')} spellCheck={false} />}
        </Field>
      </div>
    </details>
  );
}
