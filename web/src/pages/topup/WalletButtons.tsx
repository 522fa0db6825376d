// Ways to pay from this browser: a WebLN extension, Bitcoin Connect, or the development wallet.
import { api } from '../../api/client';
import { useHealth } from '../../hooks/useHealth';
import { hasWebLN, payWithBitcoinConnect, payWithWebLN } from '../../lib/wallets';
import type { TopupFlow } from './useTopupFlow';

export function WalletButtons({ flow }: { flow: TopupFlow }) {
  const { isDevWallet } = useHealth();
  const busy = flow.paying !== null;
  const label = (name: string, text: string): string => (flow.paying === name ? 'Waiting for the wallet…' : text);

  return (
    <div className="stack wallet-buttons">
      <p className="small muted">Or pay from this browser:</p>
      <div className="row">
        {hasWebLN() ? (
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void flow.pay('webln', payWithWebLN)} data-testid="webln-pay-button">
            {label('webln', 'Pay with browser wallet')}
          </button>
        ) : null}
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy}
          onClick={() => void flow.pay('bitcoin-connect', payWithBitcoinConnect)}
          data-testid="bitcoin-connect-button"
        >
          {label('bitcoin-connect', 'Connect a wallet (Bitcoin Connect)')}
        </button>
      </div>
      {isDevWallet ? (
        <div className="dev-wallet">
          <button
            type="button"
            className="btn btn-dev"
            disabled={busy}
            onClick={() => void flow.pay('devnode', async (invoice) => api.devPay(invoice))}
            data-testid="dev-wallet-pay-button"
          >
            {label('devnode', 'Pay with the development wallet (no real sats)')}
          </button>
          <p className="small muted">This server runs a development Lightning node: nothing real is paid.</p>
        </div>
      ) : null}
    </div>
  );
}
