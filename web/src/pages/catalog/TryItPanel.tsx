// "Try it": sends the endpoint's example (editable) with the token in use and shows the answer.
import { useId, useState } from 'react';
import type { PublicEndpoint } from '../../../../contract/catalog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { NeedToken } from '../../components/NeedToken';
import type { ExampleRequest } from '../../lib/examples/request';
import { useToken } from '../../state/useToken';
import { TryItFields } from './TryItFields';
import { TryItResult } from './TryItResult';
import { chargePhase } from './tryItCharge';
import { callPrice, priceSentence } from './tryItPrice';
import { buildTryItBody, initialInput, readBodyFacts, type TryItInput } from './tryItRequest';
import { useTryItCall } from './useTryItCall';

export function TryItPanel({ endpoint, request }: { endpoint: PublicEndpoint; request: ExampleRequest }) {
  const { token } = useToken();
  const id = useId();
  const [input, setInput] = useState<TryItInput>(() => initialInput(request));
  const [problem, setProblem] = useState<string | null>(null);
  const call = useTryItCall(endpoint, token);

  const facts = readBodyFacts(request, input);
  const price = callPrice(endpoint, facts);

  const send = (): void => {
    const built = buildTryItBody(request, input);
    if (!built.ok) {
      setProblem(built.message);
      call.clear();
      return;
    }
    setProblem(null);
    void call.send(built.body, facts.model);
  };

  return (
    <details className="try-it">
      <summary data-testid="try-it-toggle">Try it</summary>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
        aria-describedby={`${id}-price`}
      >
        <TryItFields idPrefix={id} request={request} input={input} onChange={setInput} />
        <p id={`${id}-price`} className={price.kind === 'invalid_json' ? 'field-error' : 'muted small'} data-testid="try-it-price">
          {priceSentence(price, token)}
        </p>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        {!token && !endpoint.free ? <NeedToken action="try this endpoint" /> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={call.sending || (!token && !endpoint.free)} data-testid="try-it-button">
            {call.sending ? 'Sending…' : 'Send request'}
          </button>
          {call.sending ? (
            <button type="button" className="btn btn-secondary" onClick={call.cancel}>
              Cancel
            </button>
          ) : (
            <button type="button" className="btn btn-ghost" onClick={() => setInput(initialInput(request))}>
              Reset to example
            </button>
          )}
        </div>
      </form>
      <div aria-live="polite" aria-busy={call.sending}>
        {call.error ? (
          <ErrorNotice error={call.error} title={call.head ? 'The answer broke off before its end' : 'The request did not get an answer'} onRetry={send} />
        ) : null}
        {call.head ? (
          <TryItResult
            head={call.head}
            result={call.result}
            receipt={call.receipt}
            phase={chargePhase(call.sending, call.charge.status)}
            chargeError={call.charge.error}
            cancelled={call.cancelled}
            onRetryCharge={call.retryCharge}
          />
        ) : null}
      </div>
    </details>
  );
}
