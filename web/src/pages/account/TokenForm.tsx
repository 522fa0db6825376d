// Enter a token to use it in this browser, optionally remembered on this device.
import { useId, useState, type FormEvent } from 'react';
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
  const valid = isTokenShape(value);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (!valid) return;
    setToken(value.trim(), remember);
    onDone?.();
  };

  return (
    <form className="card stack" onSubmit={submit} noValidate>
      <h2>Use a token</h2>
      <Field id={`${id}-token`} label="Token" hint="Starts with abl_." error={touched && !valid ? 'A token starts with abl_ followed by its secret.' : undefined}>
        <input type="password" className="mono" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} data-testid="token-input" />
      </Field>
      <label className="check">
        <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="remember-token-checkbox" />
        Remember on this device
      </label>
      <div className="row">
        <button type="submit" className="btn btn-primary" data-testid="use-token-button">
          Use this token
        </button>
        <Link to={paths.topup}>No token yet? Top up</Link>
      </div>
    </form>
  );
}
