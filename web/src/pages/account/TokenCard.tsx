// The token in use: shown on request, copy, remember or not, switch, forget (after a warning).
import { useState } from 'react';
import { CopyButton } from '../../components/CopyButton';
import { shortToken } from '../../lib/format';
import { useToken } from '../../state/useToken';
import { TokenForm } from './TokenForm';

export function TokenCard({ token }: { token: string }) {
  const { remembered, setRemembered, forget } = useToken();
  const [shown, setShown] = useState(false);
  const [switching, setSwitching] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);

  return (
    <section className="card stack" aria-labelledby="token-h">
      <h2 id="token-h">Your token</h2>
      <div className="token-value">
        <code data-testid="account-token">{shown ? token : shortToken(token)}</code>
        <button type="button" className="btn btn-ghost btn-small" aria-pressed={shown} onClick={() => setShown((s) => !s)} data-testid="token-show-button">
          {shown ? 'Hide token' : 'Show token'}
        </button>
        <CopyButton text={token} label="Copy token" />
      </div>
      <label className="check">
        <input type="checkbox" checked={remembered} onChange={(e) => setRemembered(e.target.checked)} data-testid="remember-token-checkbox" />
        Remember on this device
      </label>
      {confirmForget ? (
        <div className="notice notice-warning stack" role="alert">
          <p>
            Forget this token in this browser? Its balance stays with the token, but only if you saved it somewhere else. Copy it first
            if you have not.
          </p>
          <div className="row">
            <CopyButton text={token} label="Copy token" />
            <button type="button" className="btn btn-danger" onClick={forget} data-testid="confirm-forget-token-button">
              Forget it
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirmForget(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <div className="row">
          <button type="button" className="btn btn-secondary" onClick={() => setSwitching((s) => !s)} aria-expanded={switching}>
            Use a different token
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setConfirmForget(true)} data-testid="forget-token-button">
            Forget token
          </button>
        </div>
      )}
      {switching ? <TokenForm onDone={() => setSwitching(false)} /> : null}
    </section>
  );
}
