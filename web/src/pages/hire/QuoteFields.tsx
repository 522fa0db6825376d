// Price and description inputs shared by the new-quote and edit-quote forms.
import { Field } from '../../components/Field';
import type { FieldErrors, QuoteInput } from '../../lib/hireValidation';
import { TEXT_MAX } from '../../lib/hireValidation';

interface QuoteFieldsProps {
  idPrefix: string;
  input: QuoteInput;
  errors: FieldErrors<keyof QuoteInput>;
  onChange: (next: QuoteInput) => void;
}

export function QuoteFields({ idPrefix, input, errors, onChange }: QuoteFieldsProps) {
  return (
    <>
      <Field id={`${idPrefix}-price`} label="Your price in sats" hint="What the buyer escrows when accepting." error={errors.price}>
        <input inputMode="numeric" value={input.price} onChange={(e) => onChange({ ...input, price: e.target.value })} data-testid="quote-price-input" />
      </Field>
      <Field id={`${idPrefix}-desc`} label="How you will do it" error={errors.description}>
        <textarea
          rows={5}
          maxLength={TEXT_MAX}
          value={input.description}
          onChange={(e) => onChange({ ...input, description: e.target.value })}
          data-testid="quote-description-input"
        />
      </Field>
    </>
  );
}
