// curl sample: X-Token auth, JSON with -d, multipart with -F, binary answers saved to a file.
import { TOKEN_PLACEHOLDER, type ExampleRequest } from './request';

/** POSIX shell single-quoting: safe for any value. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function toCurl(req: ExampleRequest, token = TOKEN_PLACEHOLDER): string {
  const parts: string[] = [req.method === 'GET' ? `curl ${shellQuote(req.url)}` : `curl -X ${req.method} ${shellQuote(req.url)}`];
  parts.push(`-H ${shellQuote(`X-Token: ${token}`)}`);
  if (req.kind === 'json') {
    parts.push(`-H ${shellQuote('Content-Type: application/json')}`);
    parts.push(`-d ${shellQuote(JSON.stringify(req.json ?? {}))}`);
  }
  if (req.kind === 'multipart') {
    // -F reads a leading @ or < as a file: such text values go through --form-string
    for (const f of req.textFields) {
      const flag = /^[@<]/.test(f.value) ? '--form-string' : '-F';
      parts.push(`${flag} ${shellQuote(`${f.name}=${f.value}`)}`);
    }
    for (const f of req.fileFields) parts.push(`-F ${shellQuote(`${f.name}=@${f.filename}`)}`);
  }
  if (req.binaryResponse) parts.push(`--output ${shellQuote(req.outputFile)}`);
  return parts.join(' \\\n  ');
}
