// Child tokens for agents: made from this token's balance with an optional expiry, daily cap and
// APIs; the new one shown once; the list with what each has left; revoking returns the rest.
import { useId, useState } from 'react';
import type { ChildToken, ChildTokenCreated } from '../../api/childTokens';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { TokenReveal } from '../../components/TokenReveal';
import { useAsync, type AsyncState } from '../../hooks/useAsync';
import { useBeforeUnload } from '../../hooks/useBeforeUnload';
import { useCatalog } from '../../hooks/useCatalog';
import { childApiChoices, childName, isChildToken } from '../../lib/childTokenForm';
import { formatMsat } from '../../lib/format';
import { ChildTokenForm } from './ChildTokenForm';
import { ChildTokenItem } from './ChildTokenItem';

interface ChildTokensSectionProps {
  token: string;
  version: number;
  /** GET /api/v1/tokens, read by the page (it also tells a child token) */
  list: AsyncState<ChildToken[]>;
  onMoneyMoved: () => void;
}

export function ChildTokensSection({ token, version, list, onMoneyMoved }: ChildTokensSectionProps) {
  const id = useId();
  const balance = useAsync((signal) => api.getBalance(token, signal), [token, version]);
  const catalog = useCatalog();
  const [created, setCreated] = useState<ChildTokenCreated | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<{ name: string; returnedMsat: number } | null>(null);
  const [revokeError, setRevokeError] = useState<ApiError | null>(null);
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  useBeforeUnload(created !== null);

  // an older server has no /api/v1/tokens route: say so instead of offering a form that cannot work
  const unavailable = list.error?.status === 404;
  // a child token cannot make tokens: the form would only be refused
  const isChild = isChildToken(list.error);
  const apis = childApiChoices(catalog.data?.apis);

  const onCreated = (c: ChildTokenCreated): void => {
    setCreated(c);
    setRevoked(null);
    onMoneyMoved();
  };

  const revoke = (c: ChildToken): void => {
    setRevoking(c.id);
    setRevokeError(null);
    api.revokeChildToken(token, c.id).then(
      (r) => {
        setRevoking(null);
        setRevoked({ name: childName(c), returnedMsat: r.returned_msat });
        onMoneyMoved();
      },
      (e: unknown) => {
        setRevoking(null);
        setRevokeError(toApiError(e));
      },
    );
  };

  return (
    <section className="card stack" aria-labelledby={`${id}-h`} data-testid="child-tokens">
      <h2 id={`${id}-h`}>Child tokens</h2>
      <p className="muted">
        Give an agent its own token with a budget instead of yours: the sats move to it now, it spends within its limits, and revoking it
        returns what it has left.
      </p>
      {created ? (
        <TokenReveal
          key={created.token}
          revealed={{ token: created.token, source: 'child', creditedSats: created.amount_sats }}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      {revoked ? (
        <p className="notice notice-success" role="status" data-testid="child-revoked">
          Revoked {revoked.name}: {formatMsat(revoked.returnedMsat)} came back to this token.
        </p>
      ) : null}
      {revokeError ? <ErrorNotice error={revokeError} title="The child token could not be revoked" testId="child-revoke-error" /> : null}

      {unavailable ? (
        <p className="notice notice-info" data-testid="child-tokens-unavailable">
          This server does not offer child tokens yet.
        </p>
      ) : isChild ? (
        <p className="notice notice-info" data-testid="child-tokens-forbidden">
          This token is itself a child token: only the token that made it can make and revoke child tokens, and see the limits
          it set (expiry, daily cap, APIs).
        </p>
      ) : list.error ? (
        <ErrorNotice error={list.error} title="Your child tokens could not be listed" onRetry={list.reload} testId="child-list-error" />
      ) : null}
      {list.loading && !list.data ? <Skeleton lines={2} label="Loading your child tokens…" /> : null}
      {list.data && list.data.length === 0 ? <p className="muted">None yet.</p> : null}
      {list.data && list.data.length > 0 ? (
        <ul className="plain-list child-list" aria-label="Your child tokens">
          {list.data.map((c) => (
            <ChildTokenItem key={c.id} child={c} now={now} busy={revoking === c.id} onRevoke={revoke} />
          ))}
        </ul>
      ) : null}

      {unavailable || isChild ? null : <ChildTokenForm token={token} balanceSats={balance.data?.balance_sats} apis={apis} onCreated={onCreated} />}
    </section>
  );
}
