// The token on this device: kept in localStorage only when the user asked to be remembered.
const KEY = 'abl.token';

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
