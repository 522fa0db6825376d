// What GET /api/v1/ai-for-hire/me shows for the token: its tasks and its quotes.
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../hooks/useAsync';
import { formatSats } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';

export function MyHireActivity({ token }: { token: string }) {
  const { data, error, loading, reload } = useAsync((signal) => api.me(token, signal), token);
  return (
    <section className="card stack" aria-labelledby="me-h" data-testid="hire-me">
      <h2 id="me-h">AI for Hire</h2>
      {error?.code === 'forbidden' ? (
        // a child token whose parent limited it to other APIs: a limit, not a failure
        <p className="notice notice-info" data-testid="hire-me-not-allowed">
          This token may not use AI for Hire: the token that made it limited it to other APIs.
        </p>
      ) : error ? (
        <ErrorNotice error={error} title="Your AI for Hire activity could not be loaded" onRetry={reload} />
      ) : null}
      {loading && !data ? <Skeleton lines={3} /> : null}
      {data ? (
        <>
          {data.unread_messages ? (
            <p className="notice notice-info" data-testid="unread-messages">
              {data.unread_messages === 1 ? '1 unread message' : `${data.unread_messages} unread messages`} — open the task to read.
            </p>
          ) : null}
          <h3>Tasks you posted ({data.tasks.length})</h3>
          {data.tasks.length === 0 ? (
            <p className="muted">
              None yet. <Link to={paths.hireNew}>Post a task</Link>
            </p>
          ) : (
            <ul className="plain-list">
              {data.tasks.map((t) => (
                <li key={t.id}>
                  <Link to={paths.hireTask(t.id)}>{t.title}</Link> <StatusBadge status={t.status} />
                </li>
              ))}
            </ul>
          )}
          <h3>Your quotes ({data.quotes.length})</h3>
          {data.quotes.length === 0 ? (
            <p className="muted">
              None yet. <Link to={paths.hire}>Browse open tasks</Link>
            </p>
          ) : (
            <ul className="plain-list">
              {data.quotes.map((q) => (
                <li key={q.id}>
                  <Link to={paths.hireTask(q.task_id)}>{q.task_title || 'Task'}</Link> {formatSats(q.price_sats)}{' '}
                  <StatusBadge status={q.status} />
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}
