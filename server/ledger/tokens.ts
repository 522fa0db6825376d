// Prepaid tokens: "abl_" + 192 random bits (base64url). Only the SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_RE = /^abl_[A-Za-z0-9_-]{22,86}$/;

export function newToken(): string {
  return `abl_${randomBytes(24).toString('base64url')}`;
}

export function isWellFormedToken(value: string): boolean {
  return TOKEN_RE.test(value);
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
