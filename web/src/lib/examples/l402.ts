// JavaScript sample without a token: pay per request with fetchWithL402 and any Lightning wallet.
import { fetchInit, formDataLines, handleResponseLines, jsString, nodeImports } from './jsShared';
import type { ExampleRequest } from './request';

export function toL402(req: ExampleRequest): string {
  const lines = [
    ...nodeImports(req),
    "import { fetchWithL402 } from '@getalby/lightning-tools';",
    "import { NWCClient } from '@getalby/sdk/nwc';",
    '',
    '// any wallet with payInvoice({ invoice }) → { preimage } works; here Nostr Wallet Connect',
    'const wallet = new NWCClient({ nostrWalletConnectUrl: process.env.NWC_URL });',
    '',
  ];
  if (req.kind === 'multipart') lines.push(...formDataLines(req), '');
  // the first answer is a 402 with an invoice; fetchWithL402 pays it and retries with the proof
  lines.push(`const response = await fetchWithL402(${jsString(req.url)}, ${fetchInit(req, {})}, { wallet });`);
  lines.push(...handleResponseLines(req));
  return lines.join('\n');
}
