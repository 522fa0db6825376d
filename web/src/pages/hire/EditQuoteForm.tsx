// Change a pending quote's price or description; only what changed is sent.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { EditQuoteBody } from '../../../../contract/hire';
import type { Quote } from '../../../../contract/hire-views';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useCatalog } from '../../hooks/useCatalog';
import { checkQuote, hasErrors, type QuoteInput } from '../../lib/hireValidation';
import { QuoteFields } from './QuoteFields';
import { useHireAction } from './useHireAction';

export function EditQuoteForm({ token, taskId, quote, onDone }: { token: string; taskId: string; quote: Quote; onDone: () => void }) {
  const id = useId();
  const { data: catalog } = useCatalog();
  const action = useHireAction(onDone);
  const [input, setInput] = useState<QuoteInput>({ price: String(quote.price_sats), description: quote.description });
  const errors = checkQuote(input, catalog?.hire.max_price_sats ?? 10_000_000);

  const patch: EditQuoteBody = {};
  if (Number(input.price.trim()) !== quote.price_sats) patch.price_sats = Number(input.price.trim());
  if (input.description !== quote.description) patch.description = input.description;
  const changed = Object.keys(patch).length > 0;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (hasErrors(errors) || !changed) return;
    void action.run(() => api.editQuote(token, taskId, quote.id, patch));
  };

  return (
    <form className="stack edit-quote" onSubmit={submit} noValidate data-testid="edit-quote-form">
      <QuoteFields idPrefix={id} input={input} errors={errors} onChange={setInput} />
      {action.error ? <ErrorNotice error={action.error} title="The quote could not be changed" /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary btn-small" disabled={action.busy || !changed || hasErrors(errors)} data-testid="save-quote-button">
          {action.busy ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
