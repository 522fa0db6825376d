// Account: the token in use, its balance and low-balance alert, its usage history, its child tokens, this tab's paid calls,
// its AI for Hire activity, withdrawals.
import { useState } from 'react';
import { api } from '../../api/client';
import { useAsync } from '../../hooks/useAsync';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { isChildToken } from '../../lib/childTokenForm';
import { useToken } from '../../state/useToken';
import { CollectForm } from '../hire/CollectForm';
import { BalanceAlertCard } from './BalanceAlertCard';
import { BalanceCard } from './BalanceCard';
import { ChildCannotWithdraw } from './ChildCannotWithdraw';
import { ChildTokensSection } from './ChildTokensSection';
import { MyHireActivity } from './MyHireActivity';
import { RecentCalls } from './RecentCalls';
import { TokenCard } from './TokenCard';
import { TokenForm } from './TokenForm';
import { UsageSection } from './UsageSection';
import '../../styles/account.css';

export function AccountPage() {
  useDocumentTitle('Account');
  const { token } = useToken();
  // bumped when something here moved money (a child token made or revoked, a withdrawal): balances read again
  const [version, setVersion] = useState(0);
  const children = useAsync((signal) => api.listChildTokens(token ?? '', signal), token ? [token, version] : null);
  const isChild = isChildToken(children.error);
  // the Withdraw form once it is known not to be a child's (an older server without child tokens: shown)
  const canWithdraw = children.data !== undefined || (children.error !== undefined && !isChild);
  return (
    <div className="page narrow">
      <h1>Account</h1>
      <p className="lead">There are no accounts here, only tokens: whoever holds a token can spend its balance.</p>
      {token ? (
        <>
          <TokenCard token={token} />
          <BalanceCard token={token} version={version} />
          <BalanceAlertCard token={token} />
          <UsageSection token={token} version={version} />
          <ChildTokensSection token={token} version={version} list={children} onMoneyMoved={() => setVersion((v) => v + 1)} />
          <RecentCalls token={token} />
          <MyHireActivity token={token} />
          {isChild ? <ChildCannotWithdraw /> : canWithdraw ? <CollectForm token={token} onDone={() => setVersion((v) => v + 1)} /> : null}
        </>
      ) : (
        <TokenForm />
      )}
    </div>
  );
}
