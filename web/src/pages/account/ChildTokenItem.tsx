// One child token: what it has left, what it spent today, its limits, and revoking it.
import type { ChildToken } from '../../api/childTokens';
import { ConfirmAction } from '../../components/ConfirmAction';
import { formatMsat, formatTime } from '../../lib/format';
import { apisText, childName, childState, expiryText, spentTodayText } from '../../lib/childTokenForm';

const STATE_TEXT = { active: 'active', expired: 'expired', revoked: 'revoked' } as const;
const STATE_BADGE = { active: 'badge-open', expired: 'badge-expired', revoked: 'badge-cancelled' } as const;

export function ChildTokenItem({ child, now, busy, onRevoke }: { child: ChildToken; now: number; busy: boolean; onRevoke: (c: ChildToken) => void }) {
  const state = childState(child, now);
  return (
    <li className="stack child-token" data-testid="child-token" data-id={child.id} data-state={state}>
      <p className="child-token-head">
        <span>Made {formatTime(child.created_at)}</span> <span className="muted small">no. {child.id}</span> <span className={`badge ${STATE_BADGE[state]}`}>{STATE_TEXT[state]}</span>
      </p>
      <dl className="facts">
        <div>
          <dt>Left</dt>
          <dd data-testid="child-balance">{formatMsat(child.balance_msat)}</dd>
        </div>
        <div>
          <dt>Spent today</dt>
          <dd data-testid="child-spent-today">{spentTodayText(child)}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd data-testid="child-expires">{expiryText(child.expires_at)}</dd>
        </div>
        <div>
          <dt>APIs</dt>
          <dd>{apisText(child)}</dd>
        </div>
      </dl>
      {state !== 'revoked' ? (
        <ConfirmAction
          label="Revoke"
          prompt={`Revoke ${childName(child)}? It stops working at once and its ${formatMsat(child.balance_msat)} come back to this token.`}
          confirmLabel="Revoke it"
          busy={busy}
          onConfirm={() => onRevoke(child)}
          testId={`revoke-child-${child.id}`}
          tone="secondary"
        />
      ) : null}
    </li>
  );
}
