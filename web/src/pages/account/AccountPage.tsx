// Account: the token in use, its balance, its usage history, its child tokens, this tab's paid calls,
// its AI for Hire activity, withdrawals.
import { useState } from 'react';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { useToken } from '../../state/useToken';
import { CollectForm } from '../hire/CollectForm';
import { BalanceCard } from './BalanceCard';
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
  return (
    <div className="page narrow">
      <h1>Account</h1>
      <p className="lead">There are no accounts here, only tokens: whoever holds a token can spend its balance.</p>
      {token ? (
        <>
          <TokenCard token={token} />
          <BalanceCard token={token} version={version} />
          <UsageSection token={token} version={version} />
          <ChildTokensSection token={token} version={version} onMoneyMoved={() => setVersion((v) => v + 1)} />
          <RecentCalls token={token} />
          <MyHireActivity token={token} />
          <CollectForm token={token} onDone={() => setVersion((v) => v + 1)} />
        </>
      ) : (
        <TokenForm />
      )}
    </div>
  );
}
