// Shows an ApiError as a readable message with what to do next, and a retry when possible.
import type { ApiError } from '../api/errors';
import { adviceFor } from '../lib/errorAdvice';
import { paths } from '../router/routes';
import { Link } from '../router/Link';
import { InlineCode } from './InlineCode';

interface ErrorNoticeProps {
  error: ApiError;
  title?: string;
  /** what to do next, where the page knows better than the code's general advice */
  next?: string;
  onRetry?: () => void;
  testId?: string;
}

const TOKEN_CODES = new Set(['missing_token', 'invalid_token']);
const TOPUP_CODES = new Set(['insufficient_balance', 'payment_required']);

export function ErrorNotice({ error, title = 'That did not work', next, onRetry, testId = 'error-notice' }: ErrorNoticeProps) {
  const advice = adviceFor(error.code);
  const retryAfter = error.retryAfterSeconds !== undefined ? ` Retry in ${error.retryAfterSeconds} s.` : '';
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={error.code}>
      <p className="notice-title">{title}</p>
      <p>
        {error.message}
        {error.field ? <> (field <code>{error.field}</code>)</> : null}
      </p>
      {next ? (
        <p className="muted">{next}</p>
      ) : advice && advice.meaning !== error.message ? (
        <p className="muted">
          <InlineCode text={advice.next + retryAfter} />
        </p>
      ) : null}
      <p className="muted small">
        Code <code>{error.code}</code>
        {error.status ? <>, HTTP {error.status}</> : null}
      </p>
      <div className="row">
        {onRetry ? (
          <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
            Retry
          </button>
        ) : null}
        {TOKEN_CODES.has(error.code) ? <Link to={paths.account}>Go to your account</Link> : null}
        {TOPUP_CODES.has(error.code) ? <Link to={paths.topup}>Top up</Link> : null}
      </div>
    </div>
  );
}
