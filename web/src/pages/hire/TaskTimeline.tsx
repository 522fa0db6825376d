// The task's money and time at a glance: what the escrow holds now, the deadline that applies
// now and what happens at it (worded for the reader's side), and where the escrow went once closed.
import type { TaskDetail } from '../../../../contract/hire-views';
import { formatSats, formatTime } from '../../lib/format';
import { heldSats } from '../../lib/hireEscrow';
import { closingWords, taskDeadlines, type Side } from '../../lib/hireTimeline';

export function TaskTimeline({ task, side, nowSeconds }: { task: TaskDetail; side: Side; nowSeconds: number }) {
  const escrow = heldSats(task);
  const deadlines = taskDeadlines(task, side, nowSeconds);
  const closing = closingWords(task, side);
  if (escrow === null && deadlines.length === 0 && closing === null) return null;
  return (
    <section className="card stack timeline" aria-label="Escrow and deadlines" data-testid="task-timeline">
      {escrow !== null ? (
        <p data-testid="task-escrow">
          <strong>In escrow: {formatSats(escrow)}</strong>
          <span className="muted small">
            {' '}
            — held by the server{task.milestones.length > 0 ? '; each confirmed milestone releases its amount' : ' until the task closes'}
            {task.status === 'disputed' ? '; the operator decides how it is divided' : ''}.
          </span>
        </p>
      ) : null}
      {deadlines.map((d) => (
        <p key={d.key} data-testid={`deadline-${d.key}`}>
          <strong>
            {d.label} {formatTime(d.at)}
          </strong>{' '}
          <span className={d.relative === 'passed' ? 'badge badge-expired' : 'muted'}>({d.relative})</span>
          <br />
          <span className="muted small">{d.consequence}</span>
        </p>
      ))}
      {closing !== null ? <p data-testid="task-outcome">{closing}</p> : null}
    </section>
  );
}
