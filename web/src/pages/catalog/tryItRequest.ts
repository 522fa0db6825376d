// Builds the "Try it" request body from the example the user may have edited; pure, so it is tested.
import type { PublicEndpoint } from '../../../../contract/catalog';
import type { ExampleRequest } from '../../lib/examples/request';

export interface TryItInput {
  jsonText: string;
  textFields: Record<string, string>;
  files: Record<string, File | null>;
}

export type TryItBody = { ok: true; body: unknown } | { ok: false; message: string };

export function initialInput(req: ExampleRequest): TryItInput {
  return {
    jsonText: req.kind === 'json' ? JSON.stringify(req.json ?? {}, null, 2) : '',
    textFields: Object.fromEntries(req.textFields.map((f) => [f.name, f.value])),
    files: Object.fromEntries(req.fileFields.map((f) => [f.name, null])),
  };
}

export function buildTryItBody(req: ExampleRequest, input: TryItInput): TryItBody {
  if (req.kind === 'none') return { ok: true, body: undefined };
  if (req.kind === 'json') {
    try {
      const body: unknown = JSON.parse(input.jsonText);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'The body must be a JSON object.' };
      return { ok: true, body };
    } catch (e) {
      return { ok: false, message: `The body is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(input.textFields)) form.append(name, value);
  for (const f of req.fileFields) {
    const file = input.files[f.name];
    if (!file) return { ok: false, message: `Choose a file for “${f.name}” (e.g. ${f.filename}).` };
    form.append(f.name, file, file.name);
  }
  return { ok: true, body: form };
}

/** The model a request names, for showing its price before sending. */
export function modelOf(req: ExampleRequest, input: TryItInput): string | null {
  if (req.kind === 'multipart') return input.textFields.model ?? null;
  if (req.kind !== 'json') return null;
  try {
    const body: unknown = JSON.parse(input.jsonText);
    const model = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).model : undefined;
    return typeof model === 'string' ? model : null;
  } catch {
    return null;
  }
}

/** Price of this call in sats, or null when the model has no price (the server will refuse it). */
export function callPrice(ep: PublicEndpoint, model: string | null): number | null {
  if (!ep.models) return ep.price_sats ?? 0;
  return model !== null && model in ep.models ? (ep.models[model] ?? null) : null;
}
