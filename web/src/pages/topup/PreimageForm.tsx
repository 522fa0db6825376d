// Fallback when a paid new token could not be redeemed with its claim secret: paste the preimage.
import { useId, useState, type FormEvent } from 'react';
import { Field } from '../../components/Field';
import { isPreimage } from '../../lib/lightning';

export function PreimageForm({ claiming, onClaim }: { claiming: boolean; onClaim: (preimage: string) => void }) {
  const id = useId();
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const valid = isPreimage(value);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTouched(true);
    if (valid) onClaim(value);
  };

  return (
    <form className="stack notice notice-info" onSubmit={submit} noValidate data-testid="preimage-form">
      <p className="notice-title">Paid — but the token could not be fetched by itself</p>
      <p>
        You can still claim it with the payment’s proof, the <strong>preimage</strong>: 64 hexadecimal characters some wallets show
        in the payment’s details (sometimes called “proof of payment”). Paste it here.
      </p>
      <Field id={`${id}-preimage`} label="Preimage" error={touched && !valid ? 'A preimage is 64 characters 0–9 and a–f.' : undefined}>
        <input className="mono" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} data-testid="preimage-input" />
      </Field>
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={claiming} data-testid="claim-button">
          {claiming ? 'Claiming…' : 'Claim my token'}
        </button>
      </div>
    </form>
  );
}
