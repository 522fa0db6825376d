// The editable parts of a "Try it" request: the JSON body, or multipart text fields and files.
import type { ExampleRequest } from '../../lib/examples/request';
import type { TryItInput } from './tryItRequest';

interface TryItFieldsProps {
  idPrefix: string;
  request: ExampleRequest;
  input: TryItInput;
  onChange: (next: TryItInput) => void;
}

export function TryItFields({ idPrefix, request, input, onChange }: TryItFieldsProps) {
  if (request.kind === 'none') return <p className="muted small">This endpoint takes no request body.</p>;
  if (request.kind === 'json') {
    const lines = Math.min(18, Math.max(5, input.jsonText.split('\n').length + 1));
    return (
      <div className="field">
        <label htmlFor={`${idPrefix}-json`}>Request body (JSON)</label>
        <textarea
          id={`${idPrefix}-json`}
          className="mono"
          rows={lines}
          spellCheck={false}
          value={input.jsonText}
          onChange={(e) => onChange({ ...input, jsonText: e.target.value })}
          data-testid="try-it-body-input"
        />
      </div>
    );
  }
  return (
    <div className="stack">
      {Object.entries(input.textFields).map(([name, value]) => (
        <div className="field" key={name}>
          <label htmlFor={`${idPrefix}-f-${name}`}>{name}</label>
          <input
            id={`${idPrefix}-f-${name}`}
            value={value}
            onChange={(e) => onChange({ ...input, textFields: { ...input.textFields, [name]: e.target.value } })}
            data-testid={`try-it-field-${name}`}
          />
        </div>
      ))}
      {request.fileFields.map((f) => (
        <div className="field" key={f.name}>
          <label htmlFor={`${idPrefix}-file-${f.name}`}>
            {f.name} <span className="muted small">(a file, e.g. {f.filename})</span>
          </label>
          <input
            id={`${idPrefix}-file-${f.name}`}
            type="file"
            onChange={(e) => onChange({ ...input, files: { ...input.files, [f.name]: e.target.files?.[0] ?? null } })}
            data-testid={`try-it-file-${f.name}`}
          />
        </div>
      ))}
    </div>
  );
}
