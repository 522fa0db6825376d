// The header's link to the Account page: the token's balance as the latest answer told it, or "Account".
import { formatSats } from '../lib/format';
import { Link } from '../router/Link';
import { paths } from '../router/routes';
import { useKnownBalance } from '../state/useKnownBalance';

export function HeaderAccount({ token }: { token: string | null }) {
  const balanceSats = useKnownBalance(token);
  return (
    <Link
      to={paths.account}
      nav
      className="header-account"
      data-testid="nav-account"
      aria-label={balanceSats !== undefined ? `Account, balance ${formatSats(balanceSats)}` : undefined}
    >
      {balanceSats !== undefined ? <span className="balance-chip">{formatSats(balanceSats)}</span> : 'Account'}
    </Link>
  );
}
