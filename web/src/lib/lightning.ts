// Lightning helpers: invoice URIs and preimage checks.
export function lightningUri(invoice: string): string {
  return `lightning:${invoice}`;
}

/** Upper case makes the QR code smaller (alphanumeric mode); bech32 allows either case. */
export function lightningQrText(invoice: string): string {
  return `lightning:${invoice}`.toUpperCase();
}

export function normalizePreimage(input: string): string {
  return input.trim().toLowerCase();
}

export function isPreimage(input: string): boolean {
  return /^[0-9a-f]{64}$/.test(normalizePreimage(input));
}

/** A BOLT11 invoice, loosely: prefix and bech32 characters (the server checks the rest). */
export function looksLikeInvoice(input: string): boolean {
  return /^(lightning:)?ln(bc|tb|bcrt|sb|tbs)[0-9a-z]+$/i.test(input.trim());
}

export function stripLightningPrefix(input: string): string {
  return input.trim().replace(/^lightning:/i, '');
}
