// A button that copies a text and says so, for invoices, tokens and code.
import { useCopy } from '../hooks/useCopy';

interface CopyButtonProps {
  text: string;
  label?: string;
  className?: string;
  testId?: string;
}

export function CopyButton({ text, label = 'Copy', className = 'btn btn-secondary btn-small', testId }: CopyButtonProps) {
  const { state, copy } = useCopy();
  const shown = state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select and copy by hand' : label;
  return (
    <button type="button" className={className} onClick={() => void copy(text)} data-testid={testId}>
      <span aria-live="polite">{shown}</span>
    </button>
  );
}
