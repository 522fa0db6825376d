// Prepaid tokens: "abl_" + 192 random bits (base64url). Only the SHA-256 is stored.
import { hash, randomBytes } from 'node:crypto';

const TOKEN_RE = /^abl_[A-Za-z0-9_-]{22,86}$/;

export function newToken(): string {
  return `abl_${randomBytes(24).toString('base64url')}`;
}

export function isWellFormedToken(value: string): boolean {
  return TOKEN_RE.test(value);
}

export function hashToken(token: string): Buffer {
  // one call, no Hash object: it runs on every paid call
  return hash('sha256', token, 'buffer');
}
