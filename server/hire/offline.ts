// The marketplace for operator commands run beside (not inside) a server: dispute resolution
// moves money between accounts only, so no invoice is made; a wallet is reached only when given
// (reconciling payouts in doubt asks the node what became of them).
import type { Catalog } from '../../contract/catalog.js';
import type { Ledger } from '../ledger/index.js';
import type { Db } from '../store/index.js';
import { WalletUnavailableError, type WalletBackend } from '../lightning/backend.js';
import { createHireService, hireRules, type HireService } from './index.js';

const NO_WALLET = new Proxy({} as WalletBackend, {
  get: () => async () => {
    throw new WalletUnavailableError('operator commands do not reach the wallet');
  },
});

export function offlineHireService(db: Db, ledger: Ledger, hire: Catalog['hire'], wallet: WalletBackend = NO_WALLET): HireService {
  return createHireService({
    db,
    ledger,
    wallet,
    gate: {
      identify: () => Promise.reject(new Error('operator commands take no payments')),
      chargeInTx: () => Promise.reject(new Error('operator commands take no payments')),
      challenge: () => Promise.reject(new Error('operator commands make no invoices')),
    },
    rules: hireRules(hire),
    now: () => Math.floor(Date.now() / 1000),
  });
}
