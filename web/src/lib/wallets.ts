// Browser wallets that can pay an invoice: a WebLN extension, or Bitcoin Connect (loaded on demand).

/** The part of WebLN we use (https://webln.guide). */
interface WebLNLike {
  enable(): Promise<void>;
  sendPayment(invoice: string): Promise<{ preimage?: string }>;
}

declare global {
  interface Window {
    webln?: WebLNLike;
  }
}

export interface WalletPayment {
  /** absent when the wallet paid but did not report it */
  preimage?: string;
}

export function hasWebLN(): boolean {
  return typeof window !== 'undefined' && typeof window.webln?.sendPayment === 'function';
}

export async function payWithWebLN(invoice: string): Promise<WalletPayment> {
  const webln = window.webln;
  if (!webln) throw new Error('No WebLN wallet found in this browser.');
  await webln.enable();
  const { preimage } = await webln.sendPayment(invoice);
  return preimage ? { preimage } : {};
}

/** Bitcoin Connect is large: imported only when the user asks for it. */
export async function payWithBitcoinConnect(invoice: string): Promise<WalletPayment> {
  const bc = await import('@getalby/bitcoin-connect');
  bc.init({ appName: 'alittlebitofmoney' });
  const provider = await bc.requestProvider();
  const { preimage } = await provider.sendPayment(invoice);
  return preimage ? { preimage } : {};
}
