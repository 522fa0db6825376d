// The buyer's "Accept for …", asked once more at the price it was opened with: a price the
// contractor changes meanwhile is said plainly and confirmed anew (an accept takes only a price the buyer agreed to).
import { useState } from 'react';
import { formatNumber, formatSats } from '../../lib/format';

interface AcceptQuoteProps {
  /** the quote's price as the page knows it now (live events move it) */
  priceSats: number;
  busy: boolean;
  /** accepts at the price the buyer confirmed: sent as expected_price_sats */
  onAccept: (priceSats: number) => void;
}

export function AcceptQuote({ priceSats, busy, onAccept }: AcceptQuoteProps) {
  // the price the question was opened with; null while it is closed
  const [asked, setAsked] = useState<number | null>(null);
  if (asked === null) {
    return (
      <button type="button" className="btn btn-primary btn-small" onClick={() => setAsked(priceSats)} disabled={busy} data-testid="accept-quote-button">
        Accept for {formatSats(priceSats)}
      </button>
    );
  }
  const changed = priceSats !== asked;
  const prompt = `Accept this quote? ${formatSats(priceSats)} move from your balance into escrow until you confirm the delivery.`;
  return (
    <div className="confirm" role="group" aria-label={prompt} data-testid="accept-quote-dialog">
      {changed ? (
        <p className="notice notice-warning" role="alert" data-testid="accept-price-changed">
          The contractor changed the price from {formatNumber(asked)} to {formatSats(priceSats)}.
        </p>
      ) : null}
      <p>{prompt}</p>
      <div className="row">
        {/* a new button per price: a press or a key meant for the old price cannot confirm the new one */}
        <button
          key={priceSats}
          type="button"
          className="btn btn-primary btn-small"
          disabled={busy}
          onClick={() => {
            onAccept(priceSats);
            setAsked(null);
          }}
          data-testid="accept-quote-button-confirm"
          autoFocus={!changed}
        >
          {busy ? 'Working…' : `Escrow ${formatSats(priceSats)}`}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setAsked(null)} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
