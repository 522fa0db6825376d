// One task: its details, delivery, quotes, and the actions open to the token's role.
import { useCallback } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../hooks/useAsync';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { useOneReloadAtATime } from '../../hooks/useOneReloadAtATime';
import { useHireEvents } from '../../hooks/useHireEvents';
import { usePolling } from '../../hooks/usePolling';
import { formatSats, formatTime } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { useToken } from '../../state/useToken';
import { CancelTask } from './CancelTask';
import { DeliverySection } from './DeliverySection';
import { QuoteForm } from './QuoteForm';
import { QuoteItem } from './QuoteItem';
import { TASK_REFRESH_MS } from '../../lib/refresh';
import { TaskTimeline } from './TaskTimeline';
import { hireRole } from './useHireRole';
import { MilestoneList } from './MilestoneList';
import { ProfileSummary } from './ProfileSummary';
import { RateDeal } from './RateDeal';

const CLOSED = new Set(['completed', 'cancelled', 'expired', 'refunded', 'split']);
/** closed with escrow: its two sides may rate each other */
const RATEABLE = new Set(['completed', 'refunded', 'split']);

export function TaskPage({ taskId }: { taskId: string }) {
  const { token } = useToken();
  const task = useAsync((signal) => api.getTask(taskId, token, signal), `${taskId}:${token ?? ''}`);
  const me = useAsync((signal) => api.me(token ?? '', signal), token ? `${token}:${taskId}` : null);
  useDocumentTitle(task.data?.title ?? 'Task');
  const reloadTask = task.reload;
  const reloadMe = me.reload;
  const reload = useCallback(() => {
    reloadTask();
    reloadMe();
  }, [reloadTask, reloadMe]);
  usePolling(reload, TASK_REFRESH_MS, task.data !== undefined && !CLOSED.has(task.data.status));
  // with a token, what happens to this task shows at once (the polling stays as a fallback); a
  // burst of events costs a fetch on its way and one after it
  const eventReloadTask = useOneReloadAtATime(task);
  const eventReloadMe = useOneReloadAtATime(me);
  useHireEvents(token, (e) => {
    if (e.data.task_id !== taskId) return;
    eventReloadTask();
    eventReloadMe();
  });

  if (task.error && !task.data) {
    return (
      <div className="page narrow">
        <h1>Task</h1>
        <ErrorNotice error={task.error} title={task.error.code === 'not_found' ? 'No such task' : 'The task could not be loaded'} onRetry={task.reload} />
        <Link to={paths.hire}>All tasks</Link>
      </div>
    );
  }
  if (!task.data) return <Skeleton lines={10} label="Loading the task…" />;

  const t = task.data;
  const role = hireRole(t, me.data);
  const quotes = t.quotes;
  const side = role.isBuyer ? 'buyer' : role.myQuote?.status === 'accepted' ? 'contractor' : null;
  const canQuote = token !== null && me.data !== undefined && !role.isBuyer && !role.myQuote && t.status === 'open';

  return (
    <div className="page narrow" data-testid="task-page" data-task-id={t.id}>
      <p>
        <Link to={paths.hire}>← All tasks</Link>
      </p>
      <div className="page-head">
        <h1 data-testid="task-title">{t.title}</h1>
        <StatusBadge status={t.status} />
      </div>
      <p className="muted small">
        {t.budget_sats ? <>Budget {formatSats(t.budget_sats)} · </> : null}
        Posted {formatTime(t.created_at)}
        {role.isBuyer ? ' · you are the buyer' : side === 'contractor' ? ' · you are the contractor' : role.myQuote ? ' · you quoted on this task' : ''}
      </p>
      <ProfileSummary profileId={t.buyer_profile} label="Buyer" />
      <div className="card prose" data-testid="task-description">
        {t.description}
      </div>
      <MilestoneList task={t} />
      <TaskTimeline task={t} side={side} nowSeconds={Math.floor(Date.now() / 1000)} />
      {role.isBuyer && t.status === 'open' && token ? <CancelTask token={token} taskId={t.id} onDone={reload} /> : null}
      {me.error ? <ErrorNotice error={me.error} title="Your role on this task could not be checked" onRetry={me.reload} /> : null}
      <DeliverySection task={t} role={role} token={token} onChanged={reload} />
      {token && side && RATEABLE.has(t.status) ? <RateDeal token={token} taskId={t.id} other={side === 'buyer' ? 'contractor' : 'buyer'} onDone={reload} /> : null}
      <section aria-labelledby="quotes-h" className="stack">
        <h2 id="quotes-h">Quotes ({quotes.length})</h2>
        {quotes.length === 0 ? <p className="muted">No quotes yet.</p> : null}
        {quotes.map((q) => (
          <QuoteItem key={q.id} task={t} quote={q} role={role} token={token} onChanged={reload} />
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
