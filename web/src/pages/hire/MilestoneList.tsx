// A task paid in milestones: each one's amount, where it stands and the machine check of its
// delivery (the buyer's JSON Schema shown in full); a task in one delivery shows its check alone.
import type { TaskDetail } from '../../../../contract/hire-views';
import { StatusBadge } from '../../components/StatusBadge';
import { formatSats } from '../../lib/format';
import { releasedMilestoneSats } from '../../lib/hireEscrow';
import { AcceptanceCheck } from './AcceptanceCheck';

export function MilestoneList({ task }: { task: TaskDetail }) {
  if (task.milestones.length === 0) return <AcceptanceCheck acceptance={task.acceptance} testId="task-check" />;
  const total = task.milestones.reduce((sum, m) => sum + m.amount_sats, 0);
  return (
    <section className="card stack" aria-labelledby="milestones-h" data-testid="milestones">
      <h2 id="milestones-h">
        Milestones ({formatSats(releasedMilestoneSats(task))} of {formatSats(total)} released)
      </h2>
      <ol className="stack">
        {task.milestones.map((m) => (
          <li key={m.index} data-testid={`milestone-${m.index}`} className={m.index === task.current_milestone ? 'milestone-current' : undefined}>
            <div className="row spread">
              <span>
                <strong>{m.title}</strong> · {formatSats(m.amount_sats)}
              </span>
              <StatusBadge status={m.status} />
            </div>
            <AcceptanceCheck acceptance={m.acceptance} testId={`milestone-${m.index}-check`} />
          </li>
        ))}
      </ol>
    </section>
  );
}
