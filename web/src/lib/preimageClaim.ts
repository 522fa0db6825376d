// What a claim by preimage that answered no token means. The web app asks for claim-secret-only
// invoices, so a preimage credits such an invoice but never shows its token; and a refill's money
// is on the token it refills. Which of the two it was, the invoice's status tells (`refill`).
import { formatSats } from './format';

/** 'unknown': the status could not be read */
export type PaidInvoiceKind = 'refill' | 'new' | 'unknown';

export function preimageClaimWords(creditedSats: number, kind: PaidInvoiceKind, madeHere: boolean): string {
  const sats = formatSats(creditedSats);
  if (kind === 'refill') return `${sats} credited to the token this invoice refills: its balance shows them there. No new token was made.`;
  if (kind === 'new' && madeHere) return `${sats} credited to the new token this invoice bought: this browser made it, so the token is shown at the top of the page.`;
  if (kind === 'new') {
    return `${sats} credited to the new token this invoice bought. A preimage does not show that token: it is shown in the browser that created the invoice (by itself, also after a reload), or recovered there with the invoice's claim secret (“With the claim secret” below).`;
  }
  return `${sats} credited. A preimage does not show the token: a new token is shown in the browser that created the invoice, or recovered there with its claim secret (“With the claim secret” below); a refill's money is on the token it refills.`;
}

/** The payment hash a preimage pays (SHA-256), or null where the browser offers no Web Crypto. */
export async function paymentHashOf(preimageHex: string): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const bytes = new Uint8Array(preimageHex.match(/../g)!.map((b) => parseInt(b, 16)));
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
