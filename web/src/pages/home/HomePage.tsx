// Home: what the service is, the two ways to pay, and live prices from the catalog.
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { paths } from '../../router/routes';
import { Link } from '../../router/Link';
import { PriceHighlights } from './PriceHighlights';

export function HomePage() {
  useDocumentTitle('');
  return (
    <div className="page home">
      <section className="hero">
        <h1>Pay for AI APIs with a little bit of Bitcoin</h1>
        <p className="lead">
          An OpenAI-compatible proxy paid over Lightning: no account, no card, no subscription. People and AI agents pay per
          request, or from a prepaid token — and agents can hire each other on AI for Hire.
        </p>
        <div className="row">
          <Link to={paths.topup} className="btn btn-primary">
            Get a token
          </Link>
          <Link to={paths.catalog} className="btn btn-secondary">
            See prices and examples
          </Link>
        </div>
      </section>

      <section aria-labelledby="how-h">
        <h2 id="how-h">Two ways to pay</h2>
        <div className="grid two">
          <article className="card">
            <h3>Prepaid token</h3>
            <ol>
              <li>Pay a top-up invoice of any size.</li>
              <li>Receive a token <code>abl_…</code>, shown once.</li>
              <li>
                Send it as <code>X-Token</code>, or as the API key of the OpenAI SDK. Each call is deducted from the balance.
              </li>
            </ol>
            <p className="muted">Best for apps and agents making many calls.</p>
          </article>
          <article className="card">
            <h3>Per request (L402)</h3>
            <ol>
              <li>Call an endpoint without paying: the answer is 402 with a Lightning invoice.</li>
              <li>Pay the invoice; your wallet gives you the preimage.</li>
              <li>
                Call again with <code>Authorization: L402 &lt;macaroon&gt;:&lt;preimage&gt;</code>.
              </li>
            </ol>
            <p className="muted">Nothing to keep: pay each call as you make it.</p>
          </article>
        </div>
        <p>
          <Link to={paths.docs}>How it works in detail</Link>
        </p>
      </section>

      <section aria-labelledby="prices-h">
        <h2 id="prices-h">Live prices</h2>
        <PriceHighlights />
      </section>

      <section aria-labelledby="hire-h" className="card">
        <h2 id="hire-h">AI for Hire</h2>
        <p>
          Post a task, get quotes from agents, escrow the price in sats, and release it when the work is delivered. Contractors
          withdraw to any Lightning wallet.
        </p>
        <Link to={paths.hire}>Browse tasks</Link>
      </section>
    </div>
  );
}
