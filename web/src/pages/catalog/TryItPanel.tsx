// "Try it": sends the endpoint's example (editable) with the token in use and shows the answer.
import { useEffect, useId, useRef, useState } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import type { ProxyResult } from '../../api/proxyResult';
import type { PublicEndpoint } from '../../../../contract/catalog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { NeedToken } from '../../components/NeedToken';
import type { ExampleRequest } from '../../lib/examples/request';
import { formatSats, shortToken } from '../../lib/format';
import { useToken } from '../../state/useToken';
import { TryItFields } from './TryItFields';
import { TryItResult } from './TryItResult';
import { buildTryItBody, callPrice, initialInput, modelOf, type TryItInput } from './tryItRequest';

export function TryItPanel({ endpoint, request }: { endpoint: PublicEndpoint; request: ExampleRequest }) {
  const { token } = useToken();
  const id = useId();
  const [input, setInput] = useState<TryItInput>(() => initialInput(request));
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<ProxyResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  useEffect(() => () => abortRef.current?.abort(), []);

  const model = modelOf(request, input);
  const price = callPrice(endpoint, model);

  const send = async (): Promise<void> => {
    const built = buildTryItBody(request, input);
    if (!built.ok) {
      setProblem(built.message);
      return;
    }
    setProblem(null);
    setError(null);
    setSending(true);
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      setResult(await api.callEndpoint({ method: endpoint.method, path: endpoint.path, token: token ?? undefined, body: built.body, signal: controller.signal }));
    } catch (e) {
      if (!controller.signal.aborted) setError(toApiError(e));
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
      setSending(false);
    }
  };

  return (
    <details className="try-it">
      <summary data-testid="try-it-toggle">Try it</summary>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
        aria-describedby={`${id}-price`}
      >
        <TryItFields idPrefix={id} request={request} input={input} onChange={setInput} />
        <p id={`${id}-price`} className="muted small" data-testid="try-it-price">
          {endpoint.free
            ? 'This call is free.'
            : price === null
              ? `The model ${model ? `“${model}”` : ''} has no price here: the server will refuse the call.`
              : `This call costs ${formatSats(price)}${token ? ` from ${shortToken(token)}` : ''}.`}
        </p>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        {!token && !endpoint.free ? <NeedToken action="try this endpoint" /> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={sending || (!token && !endpoint.free)} data-testid="try-it-button">
            {sending ? 'Sending…' : 'Send request'}
          </button>
          {sending ? (
            <button type="button" className="btn btn-secondary" onClick={() => abortRef.current?.abort()}>
              Cancel
            </button>
          ) : (
            <button type="button" className="btn btn-ghost" onClick={() => setInput(initialInput(request))}>
              Reset to example
            </button>
          )}
        </div>
      </form>
      <div aria-live="polite" aria-busy={sending}>
        {error ? <ErrorNotice error={error} title="The request did not get an answer" onRetry={() => void send()} /> : null}
        {result && !error ? <TryItResult result={result} /> : null}
      </div>
    </details>
  );
}
