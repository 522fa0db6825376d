// Catalog: every endpoint with its prices, code samples generated from its example, and "Try it".
import { useEffect } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { useCatalog } from '../../hooks/useCatalog';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { endpointSlug } from '../../lib/prices';
import { useLocation } from '../../router/useLocation';
import { EndpointCard } from './EndpointCard';

export function CatalogPage() {
  useDocumentTitle('Catalog');
  const { data, error, loading, reload } = useCatalog();
  const { hash } = useLocation();

  // deep links (#openai-chat-completions) scroll once the catalog is drawn
  useEffect(() => {
    if (!data || !hash) return;
    document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [data, hash]);

  return (
    <div className="page">
      <h1>Catalog</h1>
      <p className="lead">
        Every endpoint, its price — per call, or per token for metered models — and copy-paste examples. Send your token as{' '}
        <code>X-Token</code> (or as the OpenAI SDK’s API key), or pay each call with L402.
      </p>
      {error ? <ErrorNotice error={error} title="The catalog could not be loaded" onRetry={reload} /> : null}
      {loading && !data ? <Skeleton lines={10} label="Loading the catalog…" /> : null}
      {data ? (
        <>
          <nav aria-label="Endpoints" className="toc card">
            <ul>
              {data.apis.flatMap((api) =>
                api.endpoints.map((ep) => (
                  <li key={endpointSlug(api.name, ep)}>
                    <a href={`#${endpointSlug(api.name, ep)}`}>{ep.title}</a>
                  </li>
                )),
              )}
            </ul>
          </nav>
          {data.apis.map((api) => (
            <section key={api.name} aria-labelledby={`api-${api.name}`}>
              <h2 id={`api-${api.name}`}>{api.title}</h2>
              {api.description ? <p>{api.description}</p> : null}
              {api.upstream === 'demo' ? (
                <p className="notice notice-info" data-testid={`api-demo-${api.name}`}>
                  <strong>Demo answers.</strong> This development server has no key for {api.title}: a built-in demo answers its
                  endpoints in the real format (marked “[demo]”), priced and charged as listed, in play money.
                </p>
              ) : api.upstream === 'not_configured' ? (
                <p className="notice notice-warning" data-testid={`api-off-${api.name}`}>
                  Not set up on this server: its endpoints answer <code>upstream_not_configured</code>.
                </p>
              ) : null}
              {api.endpoints.map((ep) => (
                <EndpointCard key={`${ep.method} ${ep.path}`} apiName={api.name} endpoint={ep} />
              ))}
            </section>
          ))}
        </>
      ) : null}
    </div>
  );
}
