// Display helpers: sats with thousands separators, dates, short tokens, countdowns.
const satsFormat = new Intl.NumberFormat('en-US');

export function formatSats(n: number): string {
  return `${satsFormat.format(n)} ${n === 1 ? 'sat' : 'sats'}`;
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
