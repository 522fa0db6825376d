// Shell transcripts shown on the docs page, with the page's own origin.
export function l402Transcript(origin: string): string {
  return [
    '# 1. Call without paying: 402 with a macaroon and an invoice',
    `curl -i -X POST ${origin}/api/v1/openai/v1/chat/completions \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
    '# HTTP/1.1 402 Payment Required',
    '# WWW-Authenticate: LSAT macaroon="AgEE…", invoice="lnbc…"',
    '# WWW-Authenticate: L402 macaroon="AgEE…", invoice="lnbc…"',
    '# WWW-Authenticate: Payment id="…", realm="…", method="lightning", intent="session", request="eyJ…", expires="…"',
    '# WWW-Authenticate: Payment id="…", realm="…", method="lightning", intent="charge", request="eyJ…", expires="…"',
    '# PAYMENT-REQUIRED: eyJ4NDAyVmVyc2lvbiI6Mi…',
    '',
    '# 2. Pay the invoice with your wallet; note the preimage',
    '',
    '# 3. Call again with the proof',
    `curl -X POST ${origin}/api/v1/openai/v1/chat/completions \\`,
    "  -H 'Authorization: L402 AgEE…:<preimage>' \\",
    "  -H 'Content-Type: application/json' \\",
    `  -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
  ].join('\n');
}

export function topupTranscript(origin: string): string {
  return [
    '# 1. Ask for an invoice',
    `curl -X POST ${origin}/api/v1/topup -H 'Content-Type: application/json' -d '{"amount_sats":1000}'`,
    '# {"invoice":"lnbc10u1…","payment_hash":"…","amount_sats":1000,"expires_at":…,"claim_secret":"ablc_…"}',
    '',
    '# 2. Pay it, then claim the token with the preimage',
    `curl -X POST ${origin}/api/v1/topup/claim -H 'Content-Type: application/json' -d '{"preimage":"<64 hex>"}'`,
    '# {"token":"abl_…","balance_sats":1000,"credited_sats":1000}',
    '#    …or, when your wallet shows no preimage, with the invoice\'s claim secret (repeatable)',
    `curl -X POST ${origin}/api/v1/topup/claim -H 'Content-Type: application/json' -d '{"payment_hash":"…","claim_secret":"ablc_…"}'`,
    '',
    '# 3. Use it',
    `curl ${origin}/api/v1/balance -H 'X-Token: abl_…'`,
  ].join('\n');
}

/** The same invoice through the other doors, with @getalby/lightning-tools. */
export function otherDoorsExample(origin: string): string {
  return [
    "import { fetch402, fetchWithMpp, fetchWithX402 } from '@getalby/lightning-tools/402';",
    '',
    `const url = '${origin}/api/v1/openai/v1/chat/completions';`,
    "const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }) };",
    '',
    '// MPP (HTTP "Payment", Lightning charge): answers Payment-Receipt',
    'const viaMpp = await fetchWithMpp(url, init, { wallet });',
    '// x402 v2 (Lightning exact): answers PAYMENT-RESPONSE',
    'const viaX402 = await fetchWithX402(url, init, { wallet });',
    '// whichever door comes first',
    'const viaAny = await fetch402(url, init, { wallet });',
  ].join('\n');
}

/** An MPP session from a resource's own 402: open, stream, top up, close (the Lightning session draft). */
export function sessionExample(origin: string): string {
  return [
    `// 1. POST ${origin}/api/v1/openai/v1/chat/completions without credentials: 402 with`,
    '//    WWW-Authenticate: Payment … intent="session", request=<base64url {depositInvoice, paymentHash, depositAmount, …}>',
    '// 2. pay depositInvoice; echo the challenge with your preimage and a zero-amount return invoice',
    "const credential = (challenge, payload) => 'Payment ' + base64url(jcs({ challenge, payload }));",
    "const open = credential(challenge, { action: 'open', preimage, returnInvoice });",
    '//    the same request with Authorization: open is served from the session (Payment-Receipt: reference = sessionId)',
    "const bearer = credential(challenge, { action: 'bearer', sessionId, preimage }); // every later call",
    '// 3. a stream that runs dry pauses: event: payment-need-topup {sessionId, balanceSpent, balanceRequired}',
    '//    ask the resource again without credentials, pay the new 402 invoice, and send (the stream goes on):',
    "const topUp = credential(newChallenge, { action: 'topUp', sessionId, topUpPreimage }); // {status: 'ok'}",
    '// 4. done: the whole sats left go to your return invoice',
    "const close = credential(challenge, { action: 'close', sessionId, preimage }); // {status: 'closed', refundSats, refundStatus}",
  ].join('\n');
}

export function hireTranscript(origin: string): string {
  const h = `${origin}/api/v1/ai-for-hire`;
  const json = "-H 'Content-Type: application/json'";
  return [
    '# Buyer: post a task (the posting fee comes from the token)',
    `curl -X POST ${h}/tasks -H 'X-Token: abl_buyer…' ${json} \\`,
    `  -d '{"title":"Summarise a paper","description":"arXiv 2401.00001 in 200 words","budget_sats":400}'`,
    '',
    '# Contractor: quote a price',
    `curl -X POST ${h}/tasks/<task id>/quotes -H 'X-Token: abl_contractor…' ${json} \\`,
    `  -d '{"price_sats":300,"description":"Done within the hour"}'`,
    '',
    '# Buyer: accept (300 sats into escrow; the delivery deadline starts)',
    `curl -X POST ${h}/tasks/<task id>/quotes/<quote id>/accept -H 'X-Token: abl_buyer…' ${json} -d '{"expected_price_sats":300}'`,
    '',
    '# Contractor: deliver (the review deadline starts)',
    `curl -X POST ${h}/tasks/<task id>/deliver -H 'X-Token: abl_contractor…' ${json} -d '{"body":"The summary…"}'`,
    '',
    '# Buyer: confirm (escrow → contractor), or dispute',
    `curl -X POST ${h}/tasks/<task id>/confirm -H 'X-Token: abl_buyer…' ${json} -d '{}'`,
    `curl -X POST ${h}/tasks/<task id>/dispute -H 'X-Token: abl_buyer…' ${json} -d '{"body":"What went wrong"}'`,
    '',
    '# Contractor: withdraw to a Lightning invoice of any wallet',
    `curl -X POST ${h}/collect -H 'X-Token: abl_contractor…' ${json} -d '{"invoice":"lnbc…"}'`,
  ].join('\n');
}
