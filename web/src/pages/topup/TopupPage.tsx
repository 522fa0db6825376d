// Top-up: choose an amount, pay the invoice, get a new token or more balance on yours.
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { useCatalog } from '../../hooks/useCatalog';
import { DEFAULT_LIMITS } from '../../lib/amount';
import { returnLabel, safeReturnPath } from '../../lib/returnTo';
import { Link } from '../../router/Link';
import { useLocation } from '../../router/useLocation';
import { useToken } from '../../state/useToken';
import { AmountForm } from './AmountForm';
import { ClaimPaidInvoice } from './ClaimPaidInvoice';
import { InvoicePanel } from './InvoicePanel';
import { TopupDone } from './TopupDone';
import { useTopupFlow } from './useTopupFlow';

export function TopupPage() {
  useDocumentTitle('Top up');
  const { data: catalog } = useCatalog();
  const { token } = useToken();
  const { query } = useLocation();
  const flow = useTopupFlow();
  const limits = catalog?.topup ?? DEFAULT_LIMITS;
  /** where the top-up was started from (an AI for Hire page): the way back */
  const back = safeReturnPath(query.get('return'));

  return (
    <div className="page narrow">
      <h1>Top up</h1>
      <p className="lead">
        Pay a Lightning invoice to get a prepaid token — or to add sats to the token you have. Each API call is then deducted from
        its balance.
      </p>
      {back && !flow.done ? (
        <p>
          <Link to={back} data-testid="topup-return-link">
            ← {returnLabel(back)}
          </Link>
        </p>
      ) : null}
      {flow.done ? (
        <TopupDone done={flow.done} onAgain={flow.reset} back={back} />
      ) : flow.invoice ? (
        <InvoicePanel flow={flow} invoice={flow.invoice} />
      ) : (
        <AmountForm
          limits={limits}
          token={token}
          initialAmount={query.get('amount') ?? ''}
          creating={flow.creating}
          error={flow.createError}
          onCreate={(sats, refill) => void flow.create(sats, refill)}
        />
      )}
      <ClaimPaidInvoice onShow={flow.show} />
    </div>
  );
}
