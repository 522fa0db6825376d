// One newly created token, shown once: copy it, choose to remember it, dismiss when saved.
import { useEffect, useId, useRef, useState } from 'react';
import { formatSats, shortToken } from '../lib/format';
import { loadRememberedToken } from '../lib/tokenStorage';
import type { RevealedToken } from '../state/RevealContext';
import { useKnownBalance } from '../state/useKnownBalance';
import { useToken } from '../state/useToken';
import { CopyButton } from './CopyButton';

/** What is true of seeing it again: the server never shows a token twice; this browser keeps only the token in use. */
export function saveNow(source: RevealedToken['source']): string {
  return source === 'child'
    ? 'Save this now — once hidden it cannot be shown again: neither this page nor the server keeps it.'
    : 'Save this now — the server never shows it again, and this browser keeps it only while it is the token in use (for good if you tick “Remember on this device”).';
}

export function TokenReveal({ revealed, onDismiss }: { revealed: RevealedToken; onDismiss: () => void }) {
  const { token: inUse, remembered, setToken, setRemembered } = useToken();
  const [confirmed, setConfirmed] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const id = useId();
  const other = loadRememberedToken();
  const replaces = other !== null && other !== revealed.token ? other : null;
  const isInUse = inUse === revealed.token;
  // the header's balance, which the claim told: it follows every spend as the header does, never a copy gone stale
  const known = useKnownBalance(revealed.token);
  const balanceSats = revealed.source === 'topup' ? known : undefined;

  // move focus here so keyboard and screen-reader users meet the token first
  useEffect(() => headingRef.current?.focus(), []);

  const onRemember = (checked: boolean): void => {
    if (isInUse) setRemembered(checked);
    else if (checked) setToken(revealed.token, true);
  };

  return (
    <section className="token-reveal" aria-labelledby={`${id}-h`} data-testid="token-reveal">
      <h2 id={`${id}-h`} ref={headingRef} tabIndex={-1}>
        {revealed.again
          ? 'The token this invoice already made'
          : revealed.source === 'hire'
            ? 'A token was created for you'
            : revealed.source === 'child'
              ? 'Your new child token'
              : 'Your new token'}
      </h2>
      <p className="notice notice-warning" role="note">
        <strong>{saveNow(revealed.source)}</strong> The token is your balance: anyone with it can spend it, and without it the sats are
        gone. Store it in a password manager.
      </p>
      <div className="token-value">
        <code data-testid="token-reveal-text">{revealed.token}</code>
        <CopyButton text={revealed.token} label="Copy token" className="btn btn-primary btn-small" testId="token-reveal-copy" />
      </div>
      {revealed.again ? (
        <p data-testid="token-reveal-again">
          This invoice was claimed before: this is the token it made then, not a new one, and nothing was credited now.
          {balanceSats !== undefined ? <> Balance {formatSats(balanceSats)}.</> : null}
        </p>
      ) : revealed.creditedSats !== undefined || balanceSats !== undefined ? (
        <p>
          {revealed.creditedSats !== undefined ? <>Credited {formatSats(revealed.creditedSats)}. </> : null}
          {balanceSats !== undefined ? <>Balance {formatSats(balanceSats)}.</> : null}
        </p>
      ) : null}
      {revealed.source === 'hire' ? <p className="muted">It holds 0 sats: top it up, then retry your action.</p> : null}
      {revealed.source === 'child' ? (
        <p className="muted">Give it to the agent or person who will spend it. It is not kept in this browser; this page keeps using your token.</p>
      ) : (
        <label className="check">
          <input
            type="checkbox"
            checked={isInUse && remembered}
            onChange={(e) => onRemember(e.target.checked)}
            data-testid="token-reveal-remember"
          />
          Remember on this device (kept in this browser’s local storage)
          {replaces ? <span className="muted small"> — replaces {shortToken(replaces)} remembered here</span> : null}
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="token-reveal-saved" />
        I have saved this token somewhere safe
      </label>
      <div className="row">
        <button type="button" className="btn btn-secondary" disabled={!confirmed} onClick={onDismiss} data-testid="token-reveal-dismiss">
          Done, hide it
        </button>
      </div>
    </section>
  );
}
