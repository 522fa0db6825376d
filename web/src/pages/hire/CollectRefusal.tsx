// Why a withdrawal did not go through: over what the balance can pay with its reserve, the most
// it can withdraw (no top-up advice); anything else as the app says every error.
import type { ApiError } from '../../api/errors';
import { ErrorNotice } from '../../components/ErrorNotice';
import { withdrawLimit } from '../../lib/withdrawLimit';

export function CollectRefusal({ error }: { error: ApiError }) {
  const limit = withdrawLimit(error);
  if (!limit) {
    return (
      <ErrorNotice
        error={error}
        title="The withdrawal did not go through"
        next={error.field === 'invoice' ? 'Paste another invoice, or make a new one in your wallet.' : undefined}
      />
    );
  }
  return (
    <div className="notice notice-error" role="alert" data-testid="error-notice" data-code={error.code}>
      <p className="notice-title">The withdrawal did not go through</p>
      <p data-testid="collect-most">{limit.most}</p>
      <p className="muted">{limit.why}</p>
    </div>
  );
}
