// One task: its details, delivery, quotes, and the actions open to the token's role.
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { StaleNotice } from '../../components/StaleNotice';
import { StatusBadge } from '../../components/StatusBadge';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { formatSats, formatTime } from '../../lib/format';
import { deliveryNote, wantsDeliveryNote } from '../../lib/hireThread';
import { isRateLimited } from '../../lib/rateLimit';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { useToken } from '../../state/useToken';
import { CancelTask } from './CancelTask';
import { DeliverySection } from './DeliverySection';
import { QuoteForm } from './QuoteForm';
import { QuoteItem } from './QuoteItem';
import { TaskTimeline } from './TaskTimeline';
import { hireRole, type HireRole } from './useHireRole';
import { MilestoneList } from './MilestoneList';
import { ProfileSummary } from './ProfileSummary';
import { RateDeal } from './RateDeal';
import { useDealVersion } from './useProfile';
import { useQuoteThread } from './useQuoteThread';
import { useTaskFeed } from './useTaskFeed';

const NOBODY: HireRole = { isBuyer: false, myQuote: undefined };
/** closed with escrow: its two sides may rate each other */
const RATEABLE = new Set(['completed', 'refunded', 'split']);

export function TaskPage({ taskId }: { taskId: string }) {
  const { token } = useToken();
  const { task, me, meNeeded, live, round, waitUntil, reload } = useTaskFeed(taskId, token);
  const dealVersion = useDealVersion(task.data);
  useDocumentTitle(task.data?.title ?? 'Task');
  const role = task.data ? hireRole(task.data, me.data) : NOBODY;
  const side = role.isBuyer ? 'buyer' : role.myQuote?.status === 'accepted' ? 'contractor' : null;
  // the accepted quote's thread: read while it explains the task's state (a change request, a dispute)
  const accepted = useQuoteThread(token, taskId, side ? (task.data?.accepted_quote_id ?? null) : null, {
    wanted: task.data !== undefined && wantsDeliveryNote(task.data.status),
    round,
    reader: side ?? 'buyer',
  });

  if (task.error && !task.data) {
    const limited = isRateLimited(task.error);
    return (
      <div className="page narrow">
        <h1>Task</h1>
        <ErrorNotice
          error={task.error}
          title={task.error.code === 'not_found' ? 'No such task' : 'The task could not be loaded'}
          next={limited ? 'This page tries again by itself once the wait is over.' : undefined}
          onRetry={task.reload}
        />
        <Link to={paths.hire}>All tasks</Link>
      </div>
    );
  }
  if (!task.data) return <Skeleton lines={10} label="Loading the task…" />;

  const t = task.data;
  const quotes = t.quotes;
  const note = accepted.messages ? deliveryNote(t, accepted.messages) : null;
  const unreadOf = (quoteId: string): number => me.data?.unread_threads.find((u) => u.quote_id === quoteId)?.unread ?? 0;
  const canQuote = token !== null && (me.data !== undefined || !meNeeded) && !role.isBuyer && !role.myQuote && t.status === 'open';
  // a background refresh that failed: what was loaded stays, with a word about it
  const stale = task.error ?? (me.data !== undefined || isRateLimited(me.error) ? me.error : undefined);
  // without /me, a token that only quoted here is not recognised: say so (a 429 is retried by itself)
  const roleUnknown = me.error !== undefined && me.data === undefined && !isRateLimited(me.error) && t.role === undefined;

  return (
    <div className="page narrow" data-testid="task-page" data-task-id={t.id} data-live={live}>
      <p className="row spread">
        <Link to={paths.hire}>← All tasks</Link>
        {live ? (
          <span className="muted small" title="What happens to this task shows here as it happens" data-testid="task-live">
            ● Live
          </span>
        ) : null}
      </p>
      {stale ? <StaleNotice error={stale} waitUntil={waitUntil} onRetry={reload} /> : null}
      <div className="page-head">
        <h1 data-testid="task-title">{t.title}</h1>
        <StatusBadge status={t.status} />
      </div>
      <p className="muted small">
        {t.budget_sats ? <>Budget {formatSats(t.budget_sats)} · </> : null}
        Posted {formatTime(t.created_at)}
        {role.isBuyer ? ' · you are the buyer' : side === 'contractor' ? ' · you are the contractor' : role.myQuote ? ' · you quoted on this task' : ''}
      </p>
      <ProfileSummary profileId={t.buyer_profile} label="Buyer" version={dealVersion} />
      <div className="card prose" data-testid="task-description">
        {t.description}
      </div>
      <MilestoneList task={t} />
      <TaskTimeline task={t} side={side} nowSeconds={Math.floor(Date.now() / 1000)} />
      {role.isBuyer && t.status === 'open' && token ? <CancelTask token={token} taskId={t.id} onDone={reload} /> : null}
      {roleUnknown && me.error ? <ErrorNotice error={me.error} title="Your role on this task could not be checked" onRetry={me.reload} /> : null}
      <DeliverySection task={t} role={role} token={token} note={note} side={side} onChanged={reload} />
      {token && side && RATEABLE.has(t.status) ? <RateDeal token={token} taskId={t.id} other={side === 'buyer' ? 'contractor' : 'buyer'} rated={t.rated === true} onDone={reload} /> : null}
      <section aria-labelledby="quotes-h" className="stack">
        <h2 id="quotes-h">Quotes ({quotes.length})</h2>
        {quotes.length === 0 ? <p className="muted">No quotes yet.</p> : null}
        {quotes.map((q) => (
          <QuoteItem
            key={q.id}
            task={t}
            quote={q}
            role={role}
            token={token}
            round={round}
            thread={side && q.id === t.accepted_quote_id ? accepted : undefined}
            serverUnread={unreadOf(q.id)}
            shownNoteId={q.id === t.accepted_quote_id ? (note?.message?.id ?? null) : null}
            profileVersion={q.id === t.accepted_quote_id ? dealVersion : ''}
            onChanged={reload}
          />
        ))}
      </section>
      {canQuote && token ? <QuoteForm token={token} taskId={t.id} onDone={reload} /> : null}
      {!token && t.status === 'open' ? (
        <p className="muted">
          To quote on this task, <Link to={paths.account}>enter your token</Link> or <Link to={paths.topup}>top up</Link>.
        </p>
      ) : null}
    </div>
  );
}
