// A block of code with a copy button; scrolls sideways on narrow screens instead of wrapping.
import { CopyButton } from './CopyButton';

interface CodeBlockProps {
  code: string;
  label: string;
  testId?: string;
}

export function CodeBlock({ code, label, testId }: CodeBlockProps) {
  return (
    <div className="code-block" data-testid={testId}>
      <div className="code-block-bar">
        <span className="muted small">{label}</span>
        <CopyButton text={code} label="Copy code" />
      </div>
      <pre tabIndex={0} aria-label={`${label} code`}>
        <code>{code}</code>
      </pre>
    </div>
  );
}
