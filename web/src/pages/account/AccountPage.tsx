// Account: the token in use, its balance, this tab's paid calls, its AI for Hire activity, withdrawals.
import { useState } from 'react';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { useToken } from '../../state/useToken';
import { CollectForm } from '../hire/CollectForm';
import { BalanceCard } from './BalanceCard';
import { MyHireActivity } from './MyHireActivity';
import { RecentCalls } from './RecentCalls';
import { TokenCard } from './TokenCard';
import { TokenForm } from './TokenForm';

export function AccountPage() {
  useDocumentTitle('Account');
  const { token } = useToken();
  /** bumped by a withdrawal: the balance is read again */
  const [paidOut, setPaidOut] = useState(0);
  return (
    <div className="page narrow">
      <h1>Account</h1>
      <p className="lead">There are no accounts here, only tokens: whoever holds a token can spend its balance.</p>
      {token ? (
        <>
          <TokenCard token={token} />
          <BalanceCard token={token} refresh={paidOut} />
          <RecentCalls token={token} />
          <MyHireActivity token={token} />
          <CollectForm token={token} onDone={() => setPaidOut((n) => n + 1)} />
        </>
      ) : (
        <TokenForm />
      )}
    </div>
  );
}
