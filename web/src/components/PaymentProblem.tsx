// Explains a 402 from a paid AI for Hire action: what it costs, what you have, how to top up.
import type { ApiError } from '../api/errors';
import { formatSats } from '../lib/format';
import { topupHref } from '../lib/returnTo';
import { Link } from '../router/Link';
import { ErrorNotice } from './ErrorNotice';

/** Top-up link for the missing amount (at least the smallest sensible top-up), with the way back here. */
function topupLink(missing: number | undefined): string {
  return topupHref(missing && missing > 0 ? Math.max(missing, 100) : undefined, window.location.pathname);
}

export function PaymentProblem({ error }: { error: ApiError }) {
  if (error.code === 'insufficient_balance') {
    const missing = error.priceSats !== undefined && error.balanceSats !== undefined ? error.priceSats - error.balanceSats : undefined;
    return (
      <div className="notice notice-warning" role="alert" data-testid="insufficient-balance">
        <p className="notice-title">Not enough balance</p>
        <p>
          {error.priceSats !== undefined ? <>This costs {formatSats(error.priceSats)}; </> : null}
          {error.balanceSats !== undefined ? <>your token holds {formatSats(error.balanceSats)}.</> : error.message}
        </p>
        <Link to={topupLink(missing)} className="btn btn-primary btn-small">
          Top up{missing && missing > 0 ? ` at least ${formatSats(missing)}` : ''}
        </Link>
      </div>
    );
  }
  if (error.code === 'payment_required') {
    const amount = error.challenge.amount_sats;
    return (
      <div className="notice notice-warning" role="alert" data-testid="payment-required">
        <p className="notice-title">This action costs {amount !== undefined ? formatSats(amount) : 'sats'}</p>
        <p>
          {error.challenge.token
            ? 'A token with 0 sats was created for you (shown above — save it). Top it up, then send this again.'
            : 'Top up a token first, then send this again.'}
        </p>
        <Link to={topupLink(amount)} className="btn btn-primary btn-small">
          Top up
        </Link>
      </div>
    );
  }
  return <ErrorNotice error={error} />;
}
