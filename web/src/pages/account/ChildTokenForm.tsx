// Make a child token: the sats it gets from this token, an optional expiry, daily cap and APIs.
import { useId, useState, type FormEvent } from 'react';
import type { ChildTokenCreated } from '../../api/childTokens';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { formatSats } from '../../lib/format';
import { checkChildToken, childTokenRefusal, type ApiChoice, type ChildTokenInput, type FieldErrors } from '../../lib/childTokenForm';

const EMPTY: ChildTokenInput = { amount: '', expires: '', dailyCap: '', apis: [] };

/** The form's refusal: a notice with the figures, or the server's error as it came. */
export function ChildTokenProblem({ problem }: { problem: { title: string; message: string } | ApiError }) {
  if ('code' in problem) return <ErrorNotice error={problem} title="The child token could not be made" testId="child-token-error" />;
  return (
    <div className="notice notice-error" role="alert" data-testid="child-token-error">
      <p className="notice-title">{problem.title}</p>
      <p>{problem.message}</p>
    </div>
  );
}

export function ChildTokenForm({ token, balanceSats, apis, onCreated }: { token: string; balanceSats: number | undefined; apis: ApiChoice[]; onCreated: (c: ChildTokenCreated) => void }) {
  const id = useId();
  const [input, setInput] = useState<ChildTokenInput>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<{ title: string; message: string } | ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<ChildTokenInput>): void => setInput((i) => ({ ...i, ...patch }));

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setProblem(null);
    const check = checkChildToken(input, { now: Math.floor(Date.now() / 1000), balanceSats, knownApis: apis.map((a) => a.name) });
    if (!check.ok) {
      setErrors(check.errors);
      // the first field in error takes the focus, so that its message is read
      const first = (['amount', 'expires', 'dailyCap'] as const).find((f) => check.errors[f]);
      if (first) document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    api.createChildToken(token, check.body).then(
      (created) => {
        setBusy(false);
        setInput(EMPTY);
        onCreated(created);
      },
      (err: unknown) => {
        setBusy(false);
        const e2 = toApiError(err);
        const refusal = childTokenRefusal(e2, check.body.amount_sats, balanceSats);
        if (refusal.kind === 'field') setErrors({ [refusal.field]: refusal.message });
        else if (refusal.kind === 'notice') setProblem(refusal);
        else setProblem(e2);
      },
    );
  };

  return (
    <form className="stack child-form" onSubmit={submit} noValidate aria-labelledby={`${id}-h`} data-testid="child-token-form">
      <h3 id={`${id}-h`}>Make a child token</h3>
      <Field id={`${id}-amount`} label="Amount (sats)" hint={`Moves from this token to the child now${balanceSats !== undefined ? ` (this token holds ${formatSats(balanceSats)})` : ''}; revoking returns what is left.`} error={errors.amount}>
        <input inputMode="numeric" autoComplete="off" value={input.amount} onChange={(e) => set({ amount: e.target.value })} data-testid="child-amount-input" />
      </Field>
      <div className="child-form-row">
        <Field id={`${id}-expires`} label="Expires (optional)" hint="Your local time. Past it the child token stops working." error={errors.expires}>
          <input type="datetime-local" value={input.expires} onChange={(e) => set({ expires: e.target.value })} data-testid="child-expires-input" />
        </Field>
        <Field id={`${id}-dailyCap`} label="Daily cap in sats (optional)" hint="The most it may spend per UTC day." error={errors.dailyCap}>
          <input inputMode="numeric" autoComplete="off" value={input.dailyCap} onChange={(e) => set({ dailyCap: e.target.value })} data-testid="child-cap-input" />
        </Field>
      </div>
      {apis.length > 0 ? (
        <fieldset aria-describedby={`${id}-apis-hint`}>
          <legend>Only these APIs (optional)</legend>
          <p id={`${id}-apis-hint`} className="hint">
            None ticked: every API.
          </p>
          <div className="row">
            {apis.map((a) => (
              <label className="check" key={a.name}>
                <input
                  type="checkbox"
                  checked={input.apis.includes(a.name)}
                  onChange={(e) => set({ apis: e.target.checked ? [...input.apis, a.name] : input.apis.filter((x) => x !== a.name) })}
                  data-testid={`child-api-${a.name}`}
                />
                {a.title}
              </label>
            ))}
          </div>
          {errors.apis ? <p className="field-error">{errors.apis}</p> : null}
        </fieldset>
      ) : null}
      {problem ? <ChildTokenProblem problem={problem} /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="create-child-button">
          {busy ? 'Making it…' : 'Make the child token'}
        </button>
      </div>
    </form>
  );
}
