// A withdrawal over what the balance can pay with its reserve, rendered to HTML (no DOM needed):
// the most it can withdraw, with thousands separators, and no top-up.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { CollectRefusal } from './CollectRefusal';

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const refused = (max: number) =>
  new ApiError({ code: 'insufficient_balance', status: 402, message: 'Paying this 12,000-sat invoice holds 12,070 sats…', balanceSats: 12_000, priceSats: 12_070, maxAmountSats: max });

describe('CollectRefusal', () => {
  it('names the most the balance can withdraw, and offers no top-up', () => {
    const html = renderToStaticMarkup(<CollectRefusal error={refused(11_930)} />);
    expect(text(html)).toBe(
      'The withdrawal did not go through The most you can withdraw now is 11,930 sats. Your balance is 12,000 sats; this invoice would hold 12,070 sats with the routing-fee reserve while paying (only the fee actually paid is kept). Make an invoice of at most 11,930 sats in your wallet and paste it here.',
    );
    expect(html).not.toMatch(/top.?up/i);
  });

  it('says when nothing can be withdrawn', () => {
    expect(text(renderToStaticMarkup(<CollectRefusal error={refused(0)} />))).toMatch(/^The withdrawal did not go through Your balance cannot cover a withdrawal and its routing-fee reserve now\./);
  });

  it('shows any other refusal as every error is shown', () => {
    const html = renderToStaticMarkup(<CollectRefusal error={new ApiError({ code: 'invalid_field_value', status: 400, field: 'invoice', message: 'The payment did not go through.' })} />);
    expect(text(html)).toContain('Paste another invoice, or make a new one in your wallet.');
  });
});
