// The way back after a top-up started from an AI for Hire page: `/topup?amount=…&return=/hire/…`.
// Only this app's AI for Hire paths are followed, so a crafted link cannot send anyone elsewhere.

export function safeReturnPath(raw: string | null): string | null {
  if (!raw) return null;
  if (!/^\/hire(\/[A-Za-z0-9._~-]+)*\/?$/.test(raw) || /\/\.\.?(\/|$)/.test(raw)) return null;
  return raw;
}

/** The top-up page for an amount, with the path to come back to. */
export function topupHref(amountSats: number | undefined, returnTo: string | null): string {
  const query = new URLSearchParams();
  if (amountSats !== undefined && amountSats > 0) query.set('amount', String(amountSats));
  const back = safeReturnPath(returnTo);
  if (back) query.set('return', back);
  const text = query.toString();
  return text ? `/topup?${text}` : '/topup';
}

/** What the link back says. */
export function returnLabel(path: string): string {
  if (path === '/hire/new' || path === '/hire/new/') return 'Back to your task draft';
  if (path.startsWith('/hire/tasks/')) return 'Back to the task';
  return 'Back to AI for Hire';
}
