// An amount beyond any integer a client can send (1e300) is told the field's own range, as any
// amount just above it: never JavaScript's largest safe integer, which no user asked about.
import { describe, expect, it } from 'vitest';
import { CreateChildTokenSchema, topupRequestSchema } from './api.js';
import { postTaskSchema } from './hire.js';

const firstMessage = (r: { success: boolean; error?: { issues: { message: string }[] } }): string => r.error?.issues[0]?.message ?? 'accepted';

describe('amounts too large for any integer', () => {
  it('are told the configured maximum', () => {
    for (const huge of [1e300, 2 ** 53 + 2]) {
      expect(firstMessage(topupRequestSchema(1, 1_000_000).safeParse({ amount_sats: huge }))).toContain('1000000');
      expect(firstMessage(postTaskSchema(10_000_000).safeParse({ title: 't', description: 'd', budget_sats: huge }))).toContain('10000000');
      expect(firstMessage(CreateChildTokenSchema.safeParse({ amount_sats: huge }))).toContain('2100000000000000');
    }
    // a fraction within the range is still told it must be whole
    expect(topupRequestSchema(1, 1_000_000).safeParse({ amount_sats: 1.5 }).success).toBe(false);
  });
});
