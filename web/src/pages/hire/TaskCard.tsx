// One task in the list: title (linking to its page), status, budget, a line of its description.
import type { TaskSummary } from '../../../../contract/hire-views';
import { StatusBadge } from '../../components/StatusBadge';
import { formatSats, formatTime } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';

export function TaskCard({ task }: { task: TaskSummary }) {
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
        {task.quote_count === 1 ? '1 quote' : `${task.quote_count} quotes`} · {formatTime(task.created_at)}
      </p>
    </article>
  );
}
