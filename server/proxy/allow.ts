// What a request may carry besides its body: the query parameters an endpoint allows and the
// client headers its upstream reads. Both are allow-lists in the catalog (config.yaml), because
// the upstream prices some of them: `?beta=true` or `anthropic-beta` turn on features billed
// differently, `OpenAI-Project` / `OpenAI-Organization` pick which of the operator's accounts pays.
// Whatever is not allowed is refused with 400 invalid_field_value naming it (`query`, or the
// header's lower-case name), never forwarded and never silently dropped. Pure.
import type { IncomingHttpHeaders } from 'node:http';
import type { Api, Endpoint } from '../../contract/catalog.js';
import { AppError } from '../errors.js';

/** Throws invalid_field_value (field "query") for a query parameter the endpoint does not take. */
export function checkQuery(endpoint: Endpoint, search: string): void {
  if (search === '' || search === '?') return;
  const allowed = endpoint.validation.query;
  for (const name of new URLSearchParams(search).keys()) {
    if (!allowed.includes(name)) {
      const takes = allowed.length ? `it takes only ${allowed.map((n) => `'${n}'`).join(', ')}` : 'it takes none';
      throw new AppError('invalid_field_value', `Invalid query parameter '${name.slice(0, 100)}' on ${endpoint.method} ${endpoint.path}: ${takes}.`, { field: 'query' });
    }
  }
}

/** Throws invalid_field_value (field = the header's name) for a header in the upstream's namespaces that the catalog does not allow. */
export function checkClientHeaders(api: Api, headers: IncomingHttpHeaders): void {
  const { namespaces, allow } = api.upstream.client_headers;
  if (namespaces.length === 0) return;
  for (const raw of Object.keys(headers)) {
    const name = raw.toLowerCase();
    if (namespaces.some((prefix) => name.startsWith(prefix)) && !allow.includes(name)) {
      throw new AppError(
        'invalid_field_value',
        `The header '${name.slice(0, 100)}' is not accepted here: it changes how the ${api.title} upstream bills the call, which the price does not cover.`,
        { field: name.slice(0, 200) },
      );
    }
  }
}
