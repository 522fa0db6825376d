// Python sample with requests: X-Token auth, json= or data=/files=, binary answers saved to a file.
import { TOKEN_PLACEHOLDER, type ExampleRequest } from './request';

/** A JSON value as a Python literal; JSON string escapes are valid Python escapes. */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  const inner = ' '.repeat(indent + 4);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + pythonLiteral(v, indent + 4)).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)}`).join(',\n')}\n${pad}}`;
}

export function toPython(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string {
  const args = [JSON.stringify(req.url), `headers={"X-Token": ${JSON.stringify(token)}}`];
  if (req.kind === 'json') args.push(`json=${pythonLiteral(req.json ?? {}, 4)}`);
  if (req.kind === 'multipart') {
    const data = Object.fromEntries(req.textFields.map((f) => [f.name, f.value]));
    if (req.textFields.length) args.push(`data=${pythonLiteral(data, 4)}`);
    const files = req.fileFields.map((f) => `        ${JSON.stringify(f.name)}: open(${JSON.stringify(f.filename)}, "rb"),`);
    if (files.length) args.push(`files={\n${files.join('\n')}\n    }`);
  }
  args.push('timeout=180');
  const lines = [
    'import requests',
    '',
    `response = requests.${req.method.toLowerCase()}(`,
    ...args.map((a) => `    ${a},`),
    ')',
    'print(response.status_code, "charged", response.headers.get("X-Charged-Sats"), "sats")',
  ];
  if (req.binaryResponse) lines.push(`with open(${JSON.stringify(req.outputFile)}, "wb") as out:`, '    out.write(response.content)');
  else lines.push('print(response.json())');
  return lines.join('\n');
}
