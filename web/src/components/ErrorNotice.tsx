// Shows an ApiError as a readable message with what to do next, and a retry where retrying can help.
import type { ApiError } from '../api/errors';
import { useNow } from '../hooks/useNow';
import { adviceFor, messageInWords, nextStep, rateLimitText, retryHelps } from '../lib/errorAdvice';
import { isRateLimited } from '../lib/rateLimit';
import { paths } from '../router/routes';
import { Link } from '../router/Link';
import { InlineCode } from './InlineCode';

interface ErrorNoticeProps {
  error: ApiError;
  title?: string;
  /** the message in the page's words, where the page knows what was entered better than the server's message says */
  message?: string | undefined;
  /** what to do next, where the page knows better than the code's general advice */
  next?: string | undefined;
  /** offered only where sending the same request again can help (not after a 404 or a 429) */
  onRetry?: (() => void) | undefined;
  testId?: string;
}

const TOKEN_CODES = new Set(['missing_token', 'invalid_token']);
const TOPUP_CODES = new Set(['insufficient_balance', 'payment_required']);

export function ErrorNotice({ error, title = 'That did not work', message: said, next, onRetry, testId = 'error-notice' }: ErrorNoticeProps) {
  const limited = isRateLimited(error);
  const waiting = limited && error.retryAfterSeconds !== undefined && Date.now() < error.receivedAtMs + error.retryAfterSeconds * 1000;
  useNow(waiting); // the wait counts down
  const message = limited ? rateLimitText(error, Date.now()) : (said ?? messageInWords(error));
  const advice = adviceFor(error.code);
  const step = next ?? (advice && advice.meaning === error.message ? undefined : nextStep(error));
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={error.code}>
      <p className="notice-title">{title}</p>
      <p data-testid={`${testId}-message`}>{message}</p>
      {step ? (
        <p className="muted">
          <InlineCode text={step} />
        </p>
      ) : null}
      <p className="muted small">
        Code <code>{error.code}</code>
        {error.status ? <>, HTTP {error.status}</> : null}
      </p>
      <div className="row">
        {onRetry && retryHelps(error) ? (
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
