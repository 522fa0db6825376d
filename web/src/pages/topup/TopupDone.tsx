// After a top-up: the refill's new balance, or a pointer to the new token shown above. The next
// step: focus comes here when what had it went (a wallet button, the token's "Done, hide it").
import { useRef } from 'react';
import { useFocusWhenLost } from '../../hooks/useFocusWhenLost';
import { formatSats } from '../../lib/format';
import { returnLabel } from '../../lib/returnTo';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import type { Done } from './useTopupFlow';

export function TopupDone({ done, onAgain, back }: { done: Done; onAgain: () => void; back?: string | null }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusWhenLost(headingRef);
  return (
    <section className="card stack" data-testid="topup-done" data-next-step aria-live="polite">
      <h2 ref={headingRef} tabIndex={-1}>
        Payment received
      </h2>
      {done.kind === 'refill' ? (
        <p>
          Added {formatSats(done.creditedSats)} to your token.
          {done.balanceSats !== null ? (
            <>
              {' '}
              Balance now <strong data-testid="topup-balance">{formatSats(done.balanceSats)}</strong>.
            </>
          ) : null}
        </p>
      ) : (
        <p>{formatSats(done.creditedSats)} are on your new token. It is shown above: copy it and keep it safe before you leave.</p>
      )}
      <div className="row">
        {back ? (
          <Link to={back} className="btn btn-primary" data-testid="topup-done-return">
            {returnLabel(back)}
          </Link>
        ) : null}
        <Link to={paths.catalog} className={back ? 'btn btn-secondary' : 'btn btn-primary'}>
          Try an endpoint
        </Link>
        <Link to={paths.account} className="btn btn-secondary">
          See your account
        </Link>
        <button type="button" className="btn btn-ghost" onClick={onAgain}>
          Top up again
        </button>
      </div>
    </section>
  );
}
