// Reads a buffered multipart/form-data body into its text fields and file descriptions, so the
// request can be validated and priced. Only the parse result is used here: the raw bytes are what
// is forwarded upstream, untouched.
import busboy from 'busboy';
import { AppError } from '../errors.js';

export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  size: number;
}

export interface MultipartParts {
  /** text fields; a name may repeat only when it ends in `[]` (then this keeps its last value) */
  fields: Record<string, string>;
  files: UploadedFile[];
  /** every value of each repeatable `name[]` text field, in order */
  lists?: Record<string, string[]>;
}

export interface MultipartLimits {
  /** largest single file */
  fileBytes: number;
  /** largest text field value */
  fieldBytes?: number;
  /** most parts (fields and files together) */
  parts?: number;
}

const DEFAULT_FIELD_BYTES = 1_048_576;
const DEFAULT_PARTS = 200;

const malformed = (why: string): AppError => new AppError('invalid_field_value', `Could not parse multipart form: ${why}`, { field: 'body' });
// busboy reports every part; a parse keeps one value per name, the upstream may take another
const repeated = (name: string): AppError =>
  new AppError('invalid_field_value', `Invalid form: the field '${name.slice(0, 100)}' appears more than once; send each field once.`, { field: name.slice(0, 200) });

/** `name[]` is how forms send a list (OpenAI's `timestamp_granularities[]`): it may repeat. */
export const isListField = (name: string): boolean => name.endsWith('[]');
const tooLarge = (what: string): AppError => new AppError('payload_too_large', `Multipart form too large: ${what}`, { field: 'body' });

/** True when the Content-Type names a multipart form (any boundary). */
export function isMultipart(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*multipart\/form-data\s*(;|$)/i.test(contentType);
}

export function parseMultipart(raw: Buffer, contentType: string | undefined, limits: MultipartLimits): Promise<MultipartParts> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      defParamCharset: 'utf8',
      limits: {
        fileSize: limits.fileBytes,
        fieldSize: limits.fieldBytes ?? DEFAULT_FIELD_BYTES,
        parts: limits.parts ?? DEFAULT_PARTS,
        fieldNameSize: 200,
      },
    });
  } catch (err) {
    // busboy throws here on a missing or unusable Content-Type, e.g. no boundary
    return Promise.reject(malformed(err instanceof Error ? err.message : 'bad content type'));
  }

  return new Promise<MultipartParts>((resolve, reject) => {
    // null prototype: a field named "__proto__" is stored as a field, not as a prototype
    const fields = Object.create(null) as Record<string, string>;
    const lists = Object.create(null) as Record<string, string[]>;
    const files: UploadedFile[] = [];
    const seen = new Set<string>();
    let failure: AppError | null = null;
    const fail = (e: AppError): void => {
      failure ??= e;
    };
    const once = (name: string): void => {
      if (isListField(name)) return;
      if (seen.has(name)) fail(repeated(name));
      seen.add(name);
    };

    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) fail(tooLarge(`field "${name.slice(0, 200)}"`));
      once(name);
      fields[name] = value;
      if (isListField(name)) (lists[name] ??= []).push(value);
    });
    parser.on('file', (name, stream, info) => {
      once(name);
      const file: UploadedFile = { field: name, filename: info.filename ?? '', mimeType: info.mimeType, size: 0 };
      files.push(file);
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
      });
      stream.on('limit', () => fail(tooLarge(`file "${name.slice(0, 200)}" is over ${limits.fileBytes} bytes`)));
      // a body cut short errors the open file stream too; unheard, that error would crash the process
      stream.on('error', () => fail(malformed('the file part is cut short')));
    });
    parser.on('partsLimit', () => fail(tooLarge('too many parts')));
    parser.on('error', (err: unknown) => reject(malformed(err instanceof Error ? err.message : 'unreadable body')));
    parser.on('close', () => (failure ? reject(failure) : resolve({ fields, files, lists })));
    parser.end(raw);
  });
}
