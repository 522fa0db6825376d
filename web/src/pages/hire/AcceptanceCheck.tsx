// The machine check a delivery must pass, shown as the contractor needs it: the buyer's JSON
// Schema itself (read-only, formatted), or the sha256 the body must have in full.
import type { Acceptance } from '../../../../contract/hire';
import { CodeBlock } from '../../components/CodeBlock';

export function AcceptanceCheck({ acceptance, testId }: { acceptance: Acceptance | null; testId: string }) {
  if (acceptance === null) return null;
  if ('sha256' in acceptance) {
    return (
      <p className="muted small wrap" data-testid={testId}>
        Machine-checked: released at once if the delivery’s sha256 is <code>{acceptance.sha256}</code>.
      </p>
    );
  }
  return (
    <div className="stack" data-testid={testId}>
      <p className="muted small">Machine-checked: released at once if the delivery, read as JSON, satisfies the buyer’s JSON Schema:</p>
      <CodeBlock code={JSON.stringify(acceptance.json_schema, null, 2)} label="JSON Schema (read-only)" testId={`${testId}-schema`} />
    </div>
  );
}
