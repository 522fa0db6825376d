// The token on this device: kept in localStorage only when the user asked to be remembered.
export const TOKEN_KEY = 'abl.token';
const KEY = TOKEN_KEY;

export function loadRememberedToken(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null; // storage blocked (private mode, policy): nothing remembered
  }
}

export function rememberToken(token: string): boolean {
  try {
    window.localStorage.setItem(KEY, token);
    return true;
  } catch {
    return false;
  }
}

export function forgetRememberedToken(): void {
  try {
    window.localStorage.removeItem(KEY);
  } catch {
    // nothing stored, nothing to remove
  }
}

export function isTokenShape(input: string): boolean {
  return /^abl_\S{8,}$/.test(input.trim());
}

/** What a tab holds: the token in use, and whether it is the one remembered on this device. */
export interface TokenInUse {
  token: string | null;
  remembered: boolean;
}

/**
 * Another tab changed the remembered token (a `storage` event: `key` null when storage was
 * cleared). A tab using the token that was remembered follows: forgotten there, forgotten here;
 * replaced, replaced here. A tab with no token takes a newly remembered one. Null: nothing changes
 * (another key, or a token this tab chose itself).
 */
export function afterStorageChange(now: TokenInUse, change: { key: string | null; oldValue: string | null; newValue: string | null }): TokenInUse | null {
  if (change.key !== null && change.key !== KEY) return null;
  const newValue = change.key === null ? null : change.newValue;
  const followed = now.token === null || (now.remembered && now.token === change.oldValue) || (change.key === null && now.remembered);
  if (!followed || now.token === newValue) return null;
  return newValue === null ? (now.token === null ? null : { token: null, remembered: false }) : { token: newValue, remembered: true };
}
