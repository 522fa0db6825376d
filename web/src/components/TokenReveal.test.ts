import { describe, expect, it } from 'vitest';
import { saveNow } from './TokenReveal';

describe('saveNow', () => {
  it('says what is true of seeing the token again', () => {
    // a bought token stays on the page as the token in use (Account → Show token): never "cannot be shown again"
    expect(saveNow('topup')).not.toMatch(/cannot be shown again/);
    expect(saveNow('topup')).toMatch(/server never shows it again, and this browser keeps it only while it is the token in use/);
    // a child token is kept nowhere once hidden
    expect(saveNow('child')).toMatch(/once hidden it cannot be shown again/);
  });
});
