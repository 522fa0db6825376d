// Make a quote on an open task; shows the quoting fee and handles 402 answers.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { PaymentProblem } from '../../components/PaymentProblem';
import { useCatalog } from '../../hooks/useCatalog';
import { useCreatedToken } from '../../hooks/usePaymentErrors';
import { formatSats } from '../../lib/format';
import { checkQuote, hasErrors, type QuoteInput } from '../../lib/hireValidation';
import { QuoteFields } from './QuoteFields';
import { useHireAction } from './useHireAction';

export function QuoteForm({ token, taskId, onDone }: { token: string; taskId: string; onDone: () => void }) {
  const id = useId();
  const { data: catalog } = useCatalog();
  const action = useHireAction(onDone);
  const onCreated = useCreatedToken();
  const [input, setInput] = useState<QuoteInput>({ price: '', description: '' });
  const [touched, setTouched] = useState(false);
  const fee = catalog?.hire.quote_sats ?? 10;
  const errors = checkQuote(input, catalog?.hire.max_price_sats ?? 10_000_000);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (hasErrors(errors)) return;
    const ok = await action.run(async () => onCreated(await api.postQuote(token, taskId, { price_sats: Number(input.price.trim()), description: input.description })));
    if (ok) {
      setInput({ price: '', description: '' });
      setTouched(false);
    }
  };

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-h`} data-testid="quote-form">
      <h2 id={`${id}-h`}>Make a quote</h2>
      <QuoteFields idPrefix={id} input={input} errors={touched ? errors : {}} onChange={setInput} />
      <p className="muted small">Quoting costs {formatSats(fee)}, paid from your token.</p>
      {action.error ? <PaymentProblem error={action.error} /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={action.busy} data-testid="submit-quote-button">
          {action.busy ? 'Sending…' : `Send quote (${formatSats(fee)})`}
        </button>
      </div>
    </form>
  );
}
