// Reading an audio upload the way OpenAI's endpoints take it: multipart form fields and one `file`.
import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';

export interface Upload {
  fields: Record<string, string>;
  file: { filename: string; size: number } | null;
}

/** A multipart upload's text fields and the `file` part's name and size (bytes are only counted); null when it is not multipart. */
export function readUpload(req: IncomingMessage, body: Buffer): Promise<Upload | null> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers });
    } catch {
      return resolve(null);
    }
    const upload: Upload = { fields: {}, file: null };
    parser.on('field', (name, value) => (upload.fields[name] = value));
    parser.on('file', (name, stream, info) => {
      const file = { filename: info.filename ?? 'file', size: 0 };
      if (name === 'file') upload.file = file;
      stream.on('data', (c: Buffer) => (file.size += c.length));
    });
    parser.on('error', () => resolve(null));
    parser.on('close', () => resolve(upload));
    parser.end(body);
  });
}

