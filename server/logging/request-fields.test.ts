// A secret a client puts in a URL never reaches a log line: ours by their shape, others by their name.
import { describe, expect, it } from 'vitest';
import { urlForLog } from './request-fields.js';

describe('the URL as logged', () => {
  it('masks this server’s tokens and claim secrets wherever they stand, and query values named like secrets', () => {
    const token = `abl_${'A1_-'.repeat(11)}`;
    expect(urlForLog(`/api/v1/balance?token=${token}`)).toBe('/api/v1/balance?token=…');
    expect(urlForLog(`/api/v1/usage/${token}`)).toBe('/api/v1/usage/abl_…');
    expect(urlForLog('/api/v1/topup/ab12?claim_secret=ablc_Zz9')).toBe('/api/v1/topup/ab12?claim_secret=…');
    expect(urlForLog('/x?api_key=sk-live-123&limit=5&X-Api-Key=sk-2&password=hunter2&macaroon=AgE&preimage=00')).toBe('/x?api_key=…&limit=5&X-Api-Key=…&password=…&macaroon=…&preimage=…');
    expect(urlForLog('/x?bearer=BEARERSECRET&payment_signature=eyJ')).toBe('/x?bearer=…&payment_signature=…');
    // percent-encoded, under a harmless name
    expect(urlForLog(`/x?q=abl%5F${'Zz9'.repeat(10)}&n=1`)).toBe('/x?q=abl%5F…&n=1');
  });

  it('leaves what is not a secret as it came', () => {
    for (const url of ['/api/v1/ai-for-hire/tasks?status=open&limit=20', '/api/v1/usage?cursor=eyJ0IjoxfQ&limit=50', '/api/v1/openai/v1/models']) expect(urlForLog(url)).toBe(url);
  });
});
