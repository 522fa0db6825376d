import { describe, expect, it } from 'vitest';
import { afterStorageChange, TOKEN_KEY } from './tokenStorage';

const A = 'abl_aaaaaaaaaaaa';
const B = 'abl_bbbbbbbbbbbb';
const change = (oldValue: string | null, newValue: string | null, key: string | null = TOKEN_KEY) => ({ key, oldValue, newValue });

describe('afterStorageChange', () => {
  it('forgets here the remembered token forgotten in another tab', () => {
    expect(afterStorageChange({ token: A, remembered: true }, change(A, null))).toEqual({ token: null, remembered: false });
    // storage cleared altogether
    expect(afterStorageChange({ token: A, remembered: true }, change(null, null, null))).toEqual({ token: null, remembered: false });
  });

  it('follows a remembered token replaced in another tab, and a tab without one takes it', () => {
    expect(afterStorageChange({ token: A, remembered: true }, change(A, B))).toEqual({ token: B, remembered: true });
    expect(afterStorageChange({ token: null, remembered: false }, change(null, B))).toEqual({ token: B, remembered: true });
  });

  it('leaves a token this tab chose without remembering it, and other keys', () => {
    expect(afterStorageChange({ token: B, remembered: false }, change(A, null))).toBeNull();
    expect(afterStorageChange({ token: B, remembered: false }, change(null, null, null))).toBeNull();
    expect(afterStorageChange({ token: A, remembered: true }, change(A, null, 'abl.pending-topups'))).toBeNull();
    expect(afterStorageChange({ token: null, remembered: false }, change(A, null))).toBeNull();
  });
});
