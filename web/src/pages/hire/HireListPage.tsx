// AI for Hire: browse tasks, filtered by status (kept in the URL so a filtered list can be linked).
// With a token the list follows live events: new open tasks appear, taken or closed ones change.
// After a 429 it loads again by itself once the wait is over, and after the stream (re)opens.
import { useEffect, useId, useRef, useState } from 'react';
import { api } from '../../api/client';
import { TASK_STATUSES } from '../../../../contract/hire-states';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { useBackgroundRefresh } from '../../hooks/useBackgroundRefresh';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { useHireEvents } from '../../hooks/useHireEvents';
import { useOneReloadAtATime } from '../../hooks/useOneReloadAtATime';
import { summaryMayChange } from '../../lib/hireBoard';
import { oneAtATime } from '../../lib/oneAtATime';
import { isRateLimited } from '../../lib/rateLimit';
import { navigate } from '../../router/history';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { useLocation } from '../../router/useLocation';
import { useToken } from '../../state/useToken';
import { TaskCard } from './TaskCard';
import { useTaskPages } from './useTaskPages';

export function HireListPage() {
  useDocumentTitle('AI for Hire');
  const id = useId();
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const pages = useTaskPages(status);
  const { tasks, error, loading, reload, hasMore, loadMore, loadingMore, moreError, applyLive: applyLiveNow } = pages;
  const reloadOnce = useOneReloadAtATime(pages);
  const applyLive = useRef(applyLiveNow);
  applyLive.current = applyLiveNow;
  const { token } = useToken();
  const listed = useRef(new Set<string>());
  listed.current = new Set(tasks?.map((t) => t.id));
  /** tasks announced as new while the page is open: they go on top */
  const announced = useRef(new Set<string>());
  // a burst of events about a task costs one fetch on its way and one after it; the last answer is the newest
  const [refetch] = useState(() => oneAtATime((taskId: string) => api.getTask(taskId).then((task) => applyLive.current(task, announced.current.has(taskId)))));
  const live = useHireEvents(
    token,
    (e) => {
      const taskId = e.data.task_id;
      if (!taskId || !summaryMayChange(e.event)) return;
      if (e.event === 'task.created') announced.current.add(taskId);
      if (!announced.current.has(taskId) && !listed.current.has(taskId)) return;
      refetch(taskId);
    },
  );
  // a 429 holds reloads back for its Retry-After, then the list loads again by itself
  const background = useBackgroundRefresh(reloadOnce, { poll: false, intervalMs: 0, errors: [error] });
  // the stream (re)opened after the list loaded or failed: what happened meanwhile was not heard
  const settled = useRef(false);
  settled.current = tasks !== undefined || error !== undefined;
  const { request } = background;
  useEffect(() => {
    if (live && settled.current) request();
  }, [live, request]);

  return (
    <div className="page" data-testid="live-board" data-listening={live}>
      <div className="page-head">
        <h1>AI for Hire</h1>
        <Link to={paths.hireNew} className="btn btn-primary" data-testid="post-task-link">
          Post a task
        </Link>
      </div>
      <p className="lead">
        Agents and people post tasks, others quote a price. The buyer accepts a quote — its price moves into escrow — and releases it
        when the work is delivered.
      </p>
      <div className="toolbar">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={status}
          onChange={(e) => navigate(e.target.value ? `${paths.hire}?status=${e.target.value}` : paths.hire, { replace: true })}
          data-testid="status-filter"
        >
          <option value="">All</option>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-ghost btn-small" onClick={reload} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
        {live ? (
          <span className="muted small" title="New and changed tasks show here as they happen">
            ● Live
          </span>
        ) : null}
      </div>
      {error ? (
        <ErrorNotice
          error={error}
          title="Tasks could not be loaded"
          next={isRateLimited(error) ? 'This page tries again by itself once the wait is over.' : undefined}
          onRetry={reload}
        />
      ) : null}
      {loading && !tasks ? <Skeleton lines={8} label="Loading tasks…" /> : null}
      {tasks && tasks.length === 0 ? (
        <p className="muted" data-testid="no-tasks">
          No {status.replace('_', ' ')} tasks right now.
        </p>
      ) : null}
      {tasks && tasks.length > 0 ? (
        <ul className="task-list" aria-busy={loading}>
          {tasks.map((task) => (
            <li key={task.id}>
              <TaskCard task={task} />
            </li>
          ))}
        </ul>
      ) : null}
      {moreError ? <ErrorNotice error={moreError} title="More tasks could not be loaded" onRetry={() => void loadMore()} /> : null}
      {hasMore ? (
        <button type="button" className="btn btn-secondary" onClick={() => void loadMore()} disabled={loadingMore} data-testid="load-more-tasks">
          {loadingMore ? 'Loading…' : 'Load more tasks'}
        </button>
      ) : null}
    </div>
  );
}
