// The error notice rendered to HTML (no DOM needed): what it says, once, and when it offers a retry.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { ErrorNotice } from './ErrorNotice';

const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
const retry = () => undefined;

describe('ErrorNotice', () => {
  it('says a 429’s wait once, with no header names and no retry button', () => {
    const e = new ApiError({ code: 'rate_limited', message: 'Too many requests: at most 60 a minute. Retry in 13 s.', status: 429, retryAfterSeconds: 13 });
    const html = renderToStaticMarkup(<ErrorNotice error={e} onRetry={retry} />);
    expect(text(html)).toBe('That did not work Too many requests — try again in 13 s. Code rate_limited , HTTP 429');
    expect(html).not.toContain('Retry');
  });

  it('names a field in words, without a “(field …)” suffix', () => {
    const e = new ApiError({ code: 'invalid_field_value', message: 'The delivery is not JSON.', status: 400, field: 'body' });
    const words = text(renderToStaticMarkup(<ErrorNotice error={e} title="The delivery was not accepted" />));
    expect(words).toBe('The delivery was not accepted The delivery is not JSON. Correct “body”, then send it again. Code invalid_field_value , HTTP 400');
  });

  it('offers no retry on a 404, and one after a server failure', () => {
    const missing = new ApiError({ code: 'not_found', message: 'No task has this id.', status: 404 });
    expect(renderToStaticMarkup(<ErrorNotice error={missing} title="No such task" onRetry={retry} />)).not.toContain('Retry');
    const broke = new ApiError({ code: 'internal_error', message: 'Something broke.', status: 500 });
    expect(renderToStaticMarkup(<ErrorNotice error={broke} onRetry={retry} />)).toContain('>Retry</button>');
  });
});
