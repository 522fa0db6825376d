// Enter a token to use it in this browser, optionally remembered on this device.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { isTokenShape } from '../../lib/tokenStorage';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { useToken } from '../../state/useToken';

export function TokenForm({ onDone }: { onDone?: () => void }) {
  const id = useId();
  const { setToken } = useToken();
  const [value, setValue] = useState('');
  const [remember, setRemember] = useState(false);
  const [touched, setTouched] = useState(false);
  const [checking, setChecking] = useState(false);
  /** the server does not know the token (it is not taken), or could not be asked */
  const [unknown, setUnknown] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const valid = isTokenShape(value);

  // A token is taken only once the server knows it: a mistyped one stays in the field, with why.
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!valid) return;
    const token = value.trim();
    setChecking(true);
    setUnknown(false);
    setFailure(null);
    try {
      await api.getBalance(token);
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.code === 'invalid_token') setUnknown(true);
      else setFailure(apiError);
      return;
    } finally {
      setChecking(false);
    }
    setToken(token, remember);
    onDone?.();
  };

  const fieldError = touched && !valid ? 'A token starts with abl_ followed by its secret.' : unknown ? 'This server does not know this token: check it for typos, or top up to get one.' : undefined;

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} noValidate data-testid="token-form">
      <h2>Use a token</h2>
      <Field id={`${id}-token`} label="Token" hint="Starts with abl_." error={fieldError}>
        <input
          type="password"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setUnknown(false);
          }}
          data-testid="token-input"
        />
      </Field>
      <label className="check">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="remember-token-checkbox" />
        Remember on this device
      </label>
      {failure ? <ErrorNotice error={failure} title="The token could not be checked" /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={checking} data-testid="use-token-button">
          {checking ? 'Checking…' : 'Use this token'}
        </button>
        <Link to={paths.topup}>No token yet? Top up</Link>
      </div>
    </form>
  );
}
