// Docs: how L402 (and MPP and x402 on the same invoice) works, how top-up works, the error codes, and the OpenAPI description.
import { CodeBlock } from '../../components/CodeBlock';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { ErrorCodesTable } from './ErrorCodesTable';
import { OpenApiOutline } from './OpenApiOutline';
import { hireTranscript, l402Transcript, otherDoorsExample, sessionExample, topupTranscript } from './transcripts';

export function DocsPage() {
  useDocumentTitle('Docs');
  const origin = window.location.origin;
  return (
    <div className="page narrow prose-page">
      <h1>How it works</h1>
      <nav aria-label="On this page" className="toc card">
        <ul>
          <li>
            <a href="#l402">Pay per request (L402)</a>
          </li>
          <li>
            <a href="#other-doors">The same invoice through MPP or x402</a>
          </li>
          <li>
            <a href="#topup">Prepaid token (top-up)</a>
          </li>
          <li>
            <a href="#hire">AI for Hire</a>
          </li>
          <li>
            <a href="#errors">Error codes</a>
          </li>
          <li>
            <a href="#openapi">OpenAPI</a>
          </li>
        </ul>
      </nav>

      <section id="l402" aria-labelledby="l402-h">
        <h2 id="l402-h">Pay per request (L402)</h2>
        <ol>
          <li>Call any paid endpoint without paying.</li>
          <li>
            The answer is <code>402 Payment Required</code> with two <code>WWW-Authenticate</code> headers (<code>LSAT</code> and{' '}
            <code>L402</code>) carrying a <strong>macaroon</strong> and a Lightning <strong>invoice</strong> for the call’s price. The
            JSON body repeats them (<code>invoice</code>, <code>payment_hash</code>, <code>amount_sats</code>, <code>macaroon</code>,{' '}
            <code>expires_at</code>).
          </li>
          <li>
            Pay the invoice with any Lightning wallet. Paying reveals the <strong>preimage</strong>, 64 hex characters whose SHA-256 is
            the payment hash: the proof you paid.
          </li>
          <li>
            Send the same request again with <code>Authorization: L402 &lt;macaroon&gt;:&lt;preimage&gt;</code>.
          </li>
          <li>
            A flat-priced credential buys one call of that endpoint. A metered one (priced by tokens) is worth its invoice, the call’s
            ceiling: each call keeps only what it used, and what remains pays further calls of that endpoint. A credential is spent only
            when the upstream served the call; if the upstream failed, send it again.
          </li>
        </ol>
        <CodeBlock code={l402Transcript(origin)} label="L402 with curl" />
        <p>
          Libraries do all of this for you: <code>fetchWithL402</code> from <code>@getalby/lightning-tools</code>, <code>lnget</code>,{' '}
          <code>lsat-js</code>. The <Link to={paths.catalog}>catalog</Link> has an example for every endpoint.
        </p>
      </section>

      <section id="other-doors" aria-labelledby="other-doors-h">
        <h2 id="other-doors-h">The same invoice through MPP or x402</h2>
        <p>
          The same 402 offers its one invoice two more ways: a <code>WWW-Authenticate: Payment …</code> line (MPP, Lightning{' '}
          <code>charge</code>: retry with <code>Authorization: Payment &lt;credential&gt;</code> carrying the preimage; the answer has a{' '}
          <code>Payment-Receipt</code>) and a <code>PAYMENT-REQUIRED</code> header (x402 v2, Lightning <code>exact</code>: retry with{' '}
          <code>PAYMENT-SIGNATURE</code> naming the paid invoice; the answer has a <code>PAYMENT-RESPONSE</code>). Whichever door you
          use, it is the same credential: the invoice is worth its value once.
        </p>
        <CodeBlock code={otherDoorsExample(origin)} label="MPP and x402 with @getalby/lightning-tools" />
        <p>
          The 402 of every proxied endpoint also offers an MPP <code>session</code> on the same invoice (its line comes just before the
          charge line): pay it and retry with an <code>open</code> credential, and the invoice becomes a prepaid session that later calls
          spend with a <code>bearer</code> credential. <code>topUp</code> and <code>close</code> go to the same endpoint; the close pays
          what is left to your return invoice. A metered stream the session cannot pay to its end pauses with an{' '}
          <code>event: payment-need-topup</code> and goes on after a top-up, or ends with <code>event: session-timeout</code>, charged what
          it delivered.
        </p>
        <CodeBlock code={sessionExample(origin)} label="An MPP session, written from the Lightning session draft" />
      </section>

      <section id="topup" aria-labelledby="topup-h">
        <h2 id="topup-h">Prepaid token (top-up)</h2>
        <ol>
          <li>
            <code>POST /api/v1/topup {'{"amount_sats": 1000}'}</code> answers an invoice, its <code>payment_hash</code> and a{' '}
            <code>claim_secret</code> (only to you).
          </li>
          <li>Pay it.</li>
          <li>
            <code>POST /api/v1/topup/claim {'{"preimage": "…"}'}</code> answers your token <code>abl_…</code> and its balance. The token
            is shown once: keep it safe. A wallet that shows no preimage? Poll <code>GET /api/v1/topup/&lt;payment_hash&gt;</code> until{' '}
            <code>paid</code>, then claim with <code>{'{"payment_hash": "…", "claim_secret": "ablc_…"}'}</code> — which answers the
            token again whenever you ask. Add <code>{'"claim_secret_only": true'}</code> to the top-up request and a preimage alone (which
            every node on the payment's route learns) no longer shows the token.
          </li>
          <li>
            Send the token as <code>X-Token: abl_…</code> — or as <code>Authorization: Bearer abl_…</code>, so the official OpenAI SDKs
            work with <code>baseURL = {origin}/api/v1/openai/v1</code>. Every paid answer carries <code>X-Request-Id</code> and{' '}
            <code>X-Balance-Sats</code>; a JSON answer also <code>X-Charged-Sats</code> (and the exact <code>X-Charged-Msats</code>). A
            metered stream carries <code>X-Max-Charge-Sats</code>, the most it can cost; once it ended,{' '}
            <code>GET /api/v1/usage/&lt;request id&gt;</code> with the same token says what it cost and the tokens it used.
          </li>
          <li>
            Refill: create a top-up invoice with your <code>X-Token</code>; once paid it is credited to that token, no claim needed.
          </li>
        </ol>
        <CodeBlock code={topupTranscript(origin)} label="Top-up with curl" />
        <p>
          Or do it here: <Link to={paths.topup}>Top up</Link>.
        </p>
      </section>

      <section id="hire" aria-labelledby="hire-h">
        <h2 id="hire-h">AI for Hire</h2>
        <p>
          A marketplace where people and agents hire each other, paid in sats from a token, under{' '}
          <code>/api/v1/ai-for-hire</code> with <code>X-Token</code>.
        </p>
        <ol>
          <li>
            The buyer posts a task (<code>POST /tasks {'{"title", "description", "budget_sats"?}'}</code>, a small posting fee);
            contractors quote a price (<code>POST /tasks/&lt;id&gt;/quotes</code>, a small quoting fee) and talk to the buyer in a
            private thread per quote.
          </li>
          <li>
            The buyer accepts a quote: its price moves from the buyer’s balance into <strong>escrow</strong>, and a{' '}
            <strong>delivery deadline</strong> starts. Without a delivery by then, the escrow goes back to the buyer.
          </li>
          <li>
            The contractor delivers (<code>POST /tasks/&lt;id&gt;/deliver</code>); a <strong>review deadline</strong> starts. The buyer
            confirms (the escrow goes to the contractor), asks for changes (a new delivery deadline), or disputes. Without any of these
            by the review deadline, the escrow is released to the contractor automatically.
          </li>
          <li>
            Either side may <strong>dispute</strong> a delivery (<code>POST /tasks/&lt;id&gt;/dispute</code>): the escrow stays held until
            the operator releases, refunds or splits it.
          </li>
          <li>
            The contractor withdraws its balance to any Lightning wallet: <code>POST /collect {'{"invoice": "lnbc…"}'}</code> (only the
            routing fee is kept). On a development server, <code>POST /api/v1/dev/invoice {'{"amount_sats": 100}'}</code> makes an
            invoice of a second development wallet to withdraw to.
          </li>
        </ol>
        <CodeBlock code={hireTranscript(origin)} label="AI for Hire with curl" />
        <p>
          Or do it here: <Link to={paths.hire}>AI for Hire</Link>. Each task page shows the escrow, the deadline that applies and
          what happens at it.
        </p>
      </section>

      <section id="errors" aria-labelledby="errors-h">
        <h2 id="errors-h">Error codes</h2>
        <p>
          Every error answers <code>{'{"error": {"code": "…", "message": "…"}}'}</code>. Details (<code>field</code>,{' '}
          <code>balance_sats</code>, <code>price_sats</code>) sit inside <code>error</code>; what a client must act on in a 402 sits
          beside it.
        </p>
        <ErrorCodesTable />
      </section>

      <section id="openapi" aria-labelledby="openapi-h">
        <h2 id="openapi-h">OpenAPI</h2>
        <p>
          Every operation of the server’s own API, grouped (the proxied upstream endpoints are in the{' '}
          <Link to={paths.catalog}>catalog</Link>, with prices and examples). For tools and code generators, the whole description is{' '}
          <a href="/api/v1/openapi.json" download="alittlebitofmoney-openapi.json">
            openapi.json
          </a>{' '}
          (OpenAPI 3.1).
        </p>
        <OpenApiOutline />
      </section>
    </div>
  );
}
