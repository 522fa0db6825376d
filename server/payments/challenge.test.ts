// The 402 a paid action answers: x402 names its resource by the public URL when the operator set
// one (ABL_PUBLIC_URL), else by its path; the MPP realm is that URL's host.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import { invoicingWallet } from '../testing/invoicing-wallet.js';
import { openTestStore, type TestStore } from '../store/testing.js';
import { createPaymentGate } from './gate.js';

const NOW = 1_800_000_000;
const { wallet } = invoicingWallet(NOW);

const action = { api: 'openai', endpoint: 'POST /api/v1/openai/v1/embeddings', priceMsat: 5_000n, description: 'alittlebitofmoney openai /v1/embeddings' };

describe('a 402 challenge', () => {
  let store: TestStore;
  let ledger: Ledger;
  beforeAll(async () => {
    store = await openTestStore('pglite');
    ledger = await createLedger(store.db, { now: () => NOW });
  });
  afterAll(() => store?.close());

  async function challengeOf(opts: { publicUrl?: string; realm?: string }) {
    const gate = createPaymentGate({ ledger, wallet, rootKey: randomBytes(32), now: () => NOW, credentialTtlSeconds: 600, holdSeconds: 600, ...opts });
    const err = await gate.secure(action, { token: null, l402: null }, 'ip').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).data.challenge!;
  }

  it('names the x402 resource by the public URL when there is one, by its path otherwise', async () => {
    const behind = await challengeOf({ publicUrl: 'https://api.example.com/', realm: 'api.example.com' });
    expect(behind.x402?.resource.url).toBe('https://api.example.com/api/v1/openai/v1/embeddings');
    expect(behind.mpp?.realm).toBe('api.example.com');
    const local = await challengeOf({});
    expect(local.x402?.resource.url).toBe('/api/v1/openai/v1/embeddings');
  });
});
