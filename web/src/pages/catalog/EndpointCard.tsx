// One endpoint: method and path, prices, code samples and the "Try it" panel.
import { useMemo } from 'react';
import type { PublicEndpoint } from '../../../../contract/catalog';
import { CodeBlock } from '../../components/CodeBlock';
import { Tabs } from '../../components/Tabs';
import { codeSamples } from '../../lib/examples';
import { buildExampleRequest } from '../../lib/examples/request';
import { endpointSlug, priceLabel } from '../../lib/prices';
import { ModelPrices } from './ModelPrices';
import { TryItPanel } from './TryItPanel';

export function EndpointCard({ apiName, endpoint }: { apiName: string; endpoint: PublicEndpoint }) {
  const slug = endpointSlug(apiName, endpoint);
  const origin = window.location.origin;
  const samples = useMemo(() => codeSamples(apiName, endpoint, origin), [apiName, endpoint, origin]);
  const request = useMemo(() => buildExampleRequest(apiName, endpoint, origin), [apiName, endpoint, origin]);

  return (
    <article id={slug} className="card endpoint" aria-labelledby={`${slug}-h`} data-testid={`endpoint-${slug}`}>
      <header className="endpoint-head">
        <h3 id={`${slug}-h`}>{endpoint.title}</h3>
        <span className="price-pill" data-testid="price-pill">
          {priceLabel(endpoint)}
        </span>
      </header>
      <p className="endpoint-path">
        <span className={`method method-${endpoint.method.toLowerCase()}`}>{endpoint.method}</span> <code>{endpoint.path}</code>
      </p>
      {endpoint.description ? <p>{endpoint.description}</p> : null}
      <p className="muted small">
        {endpoint.content_type === 'multipart' ? 'Multipart upload. ' : ''}
        {endpoint.response === 'binary' ? 'Answers with a file. ' : ''}
        {endpoint.streaming ? 'Streams with "stream": true. ' : ''}
      </p>
      {endpoint.models ? <ModelPrices endpoint={endpoint} /> : null}
      <Tabs label={`Code examples for ${endpoint.title}`} items={samples.map((s) => ({ id: s.id, label: s.label, content: <CodeBlock code={s.code} label={s.label} /> }))} />
      <TryItPanel endpoint={endpoint} request={request} />
    </article>
  );
}
