// One task in the list: title (linking to its page), status, budget, a line of its description,
// and its buyer's record in short.
import type { TaskSummary } from '../../../../contract/hire-views';
import { StatusBadge } from '../../components/StatusBadge';
import { formatSats, formatTime } from '../../lib/format';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { BuyerReputation } from './BuyerReputation';

export function TaskCard({ task }: { task: TaskSummary }) {
  return (
    <article className="card task-card" data-testid="task-card" data-task-id={task.id}>
      <header className="row spread">
        <h2 className="task-title">
          <Link to={paths.hireTask(task.id)}>{task.title}</Link>
        </h2>
        <StatusBadge status={task.status} />
      </header>
      <p className="clamp">{task.description}</p>
      <p className="muted small">
        {task.budget_sats ? <>Budget {formatSats(task.budget_sats)} · </> : null}
        <span data-testid="task-quote-count">{task.quote_count === 1 ? '1 quote' : `${task.quote_count} quotes`}</span> · {formatTime(task.created_at)}
      </p>
      <p className="muted small">
        <BuyerReputation profileId={task.buyer_profile} />
      </p>
    </article>
  );
}
