// A paid call's receipt after the fact: GET /api/v1/usage/{request_id}, for the token that paid
// it or the L402 credential that did (the preimage proves it: its hash names the credential).
import { createHash } from 'node:crypto';
import type { CallUsage } from '../../contract/api.js';
import { msatToSatsUp } from '../../contract/money.js';
import { AppError, invalidL402, invalidToken, notFound } from '../errors.js';
import { decodeIdentifier } from '../l402/identifier.js';
import { parseMacaroon } from '../l402/macaroon.js';
import { decodeChargeRequest } from '../mpp/header.js';
import { hashToken, type Ledger } from '../ledger/index.js';
import { tryDecodeBolt11 } from '../lightning/bolt11.js';
import type { Credentials } from './types.js';

/** A receipt asked for right after its answer waits for this instance's settlements of the account to commit. */
export async function callUsage(ledger: Ledger, creds: Credentials, requestId: string): Promise<CallUsage> {
  const accountId = await payerAccount(ledger, creds);
  await ledger.settledFor(accountId);
  const row = /^[A-Za-z0-9._-]{1,64}$/.test(requestId) ? await ledger.paidCall(accountId, requestId) : null;
  if (!row) throw notFound('No paid call with this id was paid by this token or credential.');
  const u = row.usage;
  return {
    request_id: row.requestId,
    kind: 'call',
    created_at: row.createdAt,
    api: row.api,
    endpoint: row.endpoint,
    model: row.model,
    status: 'settled',
    charged_msat: Number(row.chargedMsat),
    charged_sats: msatToSatsUp(row.chargedMsat),
    max_charge_msat: Number(row.maxChargeMsat),
    amount_msat: -Number(row.chargedMsat),
    usage: u
      ? {
          input_tokens: u.input_tokens ?? 0,
          cached_input_tokens: u.cached_input_tokens ?? 0,
          cache_write_tokens: u.cache_write_tokens ?? 0,
          output_tokens: u.output_tokens ?? 0,
          estimated: u.estimated === 1,
        }
      : null,
  };
}

async function payerAccount(ledger: Ledger, creds: Credentials): Promise<bigint> {
  if (creds.l402 && !preimageOfMacaroon(creds.l402.macaroon, creds.l402.preimage)) throw invalidL402('The preimage does not match the invoice this macaroon was issued for.');
  if (creds.mpp && !creds.mpp.session && !preimageOfCharge(creds.mpp.challenge.request, creds.mpp.preimage)) throw invalidL402('The preimage does not match the invoice this Payment credential names.');
  const preimage = creds.l402?.preimage ?? creds.mpp?.preimage;
  // x402 names the paid invoice, which spends the credential too: it may read what the credential paid
  const paymentHash = preimage ? paymentHashOf(preimage) : creds.x402 ? (tryDecodeBolt11(creds.x402.invoice)?.paymentHash ?? null) : null;
  if (paymentHash) {
    const account = await ledger.credentialAccount(paymentHash);
    if (account === null) throw notFound('This credential has paid no call here.');
    return account;
  }
  if (creds.token === null) throw new AppError('missing_token', 'Show the token (X-Token or Bearer) or the credential (L402, MPP or x402) that paid the call.');
  const account = await ledger.accountByToken(hashToken(creds.token));
  if (!account) throw invalidToken(await ledger.tokenRefusal(hashToken(creds.token)));
  return account.id;
}

const paymentHashOf = (preimage: Buffer): string => createHash('sha256').update(preimage).digest('hex');

/** An MPP charge credential's preimage is its invoice's: the payment hash its challenge's request names. */
function preimageOfCharge(request: string, preimage: Buffer): boolean {
  const named = decodeChargeRequest(request)?.methodDetails.paymentHash;
  return named === undefined || named === paymentHashOf(preimage);
}

/** An L402 credential's preimage is its macaroon's: the hash its identifier names (no root key needed to read a receipt). */
function preimageOfMacaroon(macaroon: Buffer, preimage: Buffer): boolean {
  try {
    return decodeIdentifier(parseMacaroon(macaroon).identifier).paymentHash.toString('hex') === paymentHashOf(preimage);
  } catch {
    return false; // not a macaroon we could have issued
  }
}
