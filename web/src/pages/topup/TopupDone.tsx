// After a top-up: the refill's new balance, or a pointer to the new token shown above.
import { formatSats } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import type { Done } from './useTopupFlow';

export function TopupDone({ done, onAgain }: { done: Done; onAgain: () => void }) {
  return (
    <section className="card stack" data-testid="topup-done" aria-live="polite">
      <h2>Payment received</h2>
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
        <Link to={paths.catalog} className="btn btn-primary">
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
