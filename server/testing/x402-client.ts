// x402 as a client builds it (the Lightning `exact` scheme): the PAYMENT-SIGNATURE for a 402's
// first `accepts` entry, echoing that entry and naming the invoice it carries.
export function x402SignatureFor(paymentRequired: string): string {
  const accepted = JSON.parse(Buffer.from(paymentRequired, 'base64').toString('utf8')).accepts[0];
  const signed = { x402Version: 2, scheme: 'exact', network: accepted.network, payload: { invoice: accepted.extra.invoice }, accepted };
  return Buffer.from(JSON.stringify(signed)).toString('base64');
}
