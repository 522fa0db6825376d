// Display helpers: amounts of money, dates, short tokens, countdowns.
const satsFormat = new Intl.NumberFormat('en-US');
const msatFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/**
 * Every amount of money the app shows, in sats: exact to the millisatoshi where the API gives
 * msat ("0.038 sats", "99.743 sats"), decimals only when they matter ("1,234 sats", "1 sat").
 */
export function formatMsat(msat: number): string {
  const sats = msat / 1000;
  const text = msat % 1000 === 0 ? satsFormat.format(sats) : msatFormat.format(sats);
  return `${text} ${msat === 1000 || msat === -1000 ? 'sat' : 'sats'}`;
}

/** A whole-sat figure (a price, a budget, a balance the API gives only in sats), said the same way. */
export function formatSats(n: number): string {
  return formatMsat(n * 1000);
}

/** A balance change with its sign: "+1,234 sats", "−0.417 sats", "0 sats". */
export function formatSignedMsat(msat: number): string {
  if (msat === 0) return formatMsat(0);
  return `${msat > 0 ? '+' : '−'}${formatMsat(Math.abs(msat))}`;
}

export function formatNumber(n: number): string {
  return satsFormat.format(n);
}

/** Unix seconds to a short local date and time; in words when past what a Date holds (year 275760). */
export function formatTime(unixSeconds: number | undefined): string {
  if (unixSeconds === undefined) return '';
  const date = new Date(unixSeconds * 1000);
  if (Number.isNaN(date.getTime())) return `Unix time ${formatNumber(unixSeconds)}`;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** `abl_1234…cdef`: enough to recognise a token without showing it. */
export function shortToken(token: string): string {
  return token.length <= 14 ? token : `${token.slice(0, 8)}…${token.slice(-4)}`;
}

/** Seconds as m:ss, or h:mm:ss past an hour. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
