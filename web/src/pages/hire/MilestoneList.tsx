// A task paid in milestones: each one's amount, deadline, machine check and where it stands.
import type { TaskDetail } from '../../../../contract/hire-views';
import { StatusBadge } from '../../components/StatusBadge';
import { formatSats } from '../../lib/format';
import { releasedMilestoneSats } from '../../lib/hireEscrow';

function checkWords(a: TaskDetail['acceptance']): string | null {
  if (a === null) return null;
  return 'sha256' in a ? `released at once if its sha256 is ${a.sha256.slice(0, 12)}…` : 'released at once if it satisfies the buyer’s JSON Schema';
}

export function MilestoneList({ task }: { task: TaskDetail }) {
  if (task.milestones.length === 0) {
    const words = checkWords(task.acceptance);
    return words ? (
      <p className="muted small" data-testid="task-check">
        Machine-checked delivery: {words}.
      </p>
    ) : null;
  }
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
            {checkWords(m.acceptance) ? <p className="muted small">{checkWords(m.acceptance)}.</p> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
