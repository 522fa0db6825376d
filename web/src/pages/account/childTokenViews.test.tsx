// The child-token views rendered to HTML (no DOM needed): the error display with its figures, a
// child's limits and its revoke button.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ChildToken } from '../../api/childTokens';
import { ApiError } from '../../api/errors';
import { childTokenRefusal } from '../../lib/childTokenForm';
import { ChildTokenProblem } from './ChildTokenForm';
import { ChildTokenItem } from './ChildTokenItem';

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('child-token errors on the page', () => {
  it('shows an insufficient balance as an alert with both figures', () => {
    const refusal = childTokenRefusal(new ApiError({ code: 'insufficient_balance', message: 'Balance too low', status: 402, balanceSats: 40 }), 250);
    if (refusal.kind !== 'notice') throw new Error('expected a notice');
    const html = renderToStaticMarkup(<ChildTokenProblem problem={refusal} />);
    expect(html).toContain('role="alert"');
    expect(html).toContain('data-testid="child-token-error"');
    expect(text(html)).toBe('Not enough sats on this token This token holds 40 sats: it cannot give 250 sats to a child token. Top up, or give less.');
  });

  it('shows any other refusal with its code', () => {
    const html = renderToStaticMarkup(<ChildTokenProblem problem={new ApiError({ code: 'invalid_token', message: 'Unknown token.', status: 401 })} />);
    expect(html).toContain('data-code="invalid_token"');
    expect(text(html)).toContain('The child token could not be made Unknown token.');
  });
});

describe('a child token in the list', () => {
  const child: ChildToken = { id: 'ct_7', balance_sats: 80, balance_msat: 80_500, expires_at: null, max_sats_per_day: 50, apis: ['openai'], spent_today_sats: 12, spent_today_msat: 12_000, revoked: false, created_at: 1_764_806_400 };
  const render = (c: ChildToken): string => renderToStaticMarkup(<ChildTokenItem child={c} now={1_764_810_000} busy={false} onRevoke={() => undefined} />);

  it('shows what is left, the day’s spend against the cap, its APIs, and a Revoke button', () => {
    const html = render(child);
    expect(html).toContain('data-state="active"');
    expect(text(html)).toContain('Left 80.500 sats');
    expect(text(html)).toContain('Spent today 12 of 50 sats today');
    expect(text(html)).toContain('Expires never');
    expect(text(html)).toContain('APIs openai');
    expect(html).toContain('data-testid="revoke-child-ct_7"');
  });

  it('says an expiry past the year 9999 in words, not "Invalid Date"', () => {
    const html = render({ ...child, expires_at: 99_999_999_999_999 });
    expect(text(html)).toContain('Expires after the year 9999 (in effect never)');
    expect(html).not.toContain('Invalid Date');
    expect(html).toContain('data-state="active"');
  });

  it('offers no Revoke for a revoked one', () => {
    const html = render({ ...child, revoked: true, balance_msat: 0 });
    expect(html).toContain('data-state="revoked"');
    expect(html).not.toContain('revoke-child-ct_7');
  });
});
