// One task in the list: title (linking to its page), status, budget, a line of its description.
import type { Task } from '../../api/types';
import { StatusBadge } from '../../components/StatusBadge';
import { formatSats, formatTime } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';

export function TaskCard({ task }: { task: Task }) {
  const quotes = task.quote_count ?? task.quotes?.length;
  return (
    <article className="card task-card" data-testid="task-card">
      <header className="row spread">
        <h2 className="task-title">
          <Link to={paths.hireTask(task.id)}>{task.title}</Link>
        </h2>
        <StatusBadge status={task.status} />
      </header>
      <p className="clamp">{task.description}</p>
      <p className="muted small">
        {task.budget_sats ? <>Budget {formatSats(task.budget_sats)} · </> : null}
        {quotes !== undefined ? <>{quotes === 1 ? '1 quote' : `${quotes} quotes`} · </> : null}
        {formatTime(task.created_at)}
      </p>
    </article>
  );
}
