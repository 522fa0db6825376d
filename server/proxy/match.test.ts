import { describe, expect, it } from 'vitest';
import { createMatcher, matchError, safeSearch } from './match.js';
import { shippedCatalog, withQuery } from './testing.js';

const match = createMatcher(shippedCatalog());
const CHAT = '/api/v1/openai/v1/chat/completions';

describe('matchEndpoint', () => {
  it('finds an endpoint by method and exact path', () => {
    const m = match('POST', CHAT);
    expect(m.kind).toBe('found');
    if (m.kind !== 'found') return;
    expect(m.api.name).toBe('openai');
    expect(m.endpoint.path).toBe('/v1/chat/completions');
    expect(m.search).toBe('');
    expect(match('POST', '/api/v1/anthropic/v1/messages')).toMatchObject({ kind: 'found', api: { name: 'anthropic' } });
    expect(match('GET', '/api/v1/openai/v1/models')).toMatchObject({ kind: 'found', endpoint: { path: '/v1/models' } });
  });

  it('keeps the query string as sent, when the endpoint takes its parameters', () => {
    const takesQuery = createMatcher(withQuery(withQuery(shippedCatalog(), 'openai', 'GET', '/v1/models', ['limit', 'x']), 'openai', 'POST', '/v1/chat/completions', ['next']));
    expect(takesQuery('GET', '/api/v1/openai/v1/models?limit=2&x=%2F')).toMatchObject({ kind: 'found', search: '?limit=2&x=%2F' });
    expect(takesQuery('GET', '/api/v1/openai/v1/models?')).toMatchObject({ kind: 'found', search: '?' });
    // a `..` in the query is only data: it does not change the path
    expect(takesQuery('POST', `${CHAT}?next=../../v1/models`)).toMatchObject({ kind: 'found', endpoint: { path: '/v1/chat/completions' } });
  });

  it('refuses a query parameter the endpoint does not take (field "query"), encoded names included', () => {
    for (const url of [`/api/v1/anthropic/v1/messages?beta=true`, `${CHAT}?%73ervice_tier=priority`, '/api/v1/openai/v1/models?limit=2']) {
      const m = match(url.includes('models') ? 'GET' : 'POST', url);
      expect(m.kind, url).toBe('refused');
      if (m.kind !== 'refused') continue;
      expect(matchError(m, 'POST', url)).toMatchObject({ code: 'invalid_field_value', details: { field: 'query' } });
    }
    expect(match('POST', `${CHAT}?`)).toMatchObject({ kind: 'found', search: '?' });
  });

  it('never lets dot segments reach another endpoint', () => {
    for (const url of [
      '/api/v1/openai/v1/embeddings/../chat/completions',
      '/api/v1/openai/v1/./chat/completions',
      '/api/v1/openai/v1/chat/completions/.',
      '/api/v1/openai/../openai/v1/chat/completions',
      '/api/v1/anthropic/../openai/v1/chat/completions',
      '/api/v1/openai/v1/audio/../models',
    ]) {
      expect(match('POST', url).kind, url).toBe('not_found');
      expect(match('GET', url).kind, url).toBe('not_found');
    }
  });

  it('never decodes percent-encoded slashes or dots', () => {
    for (const url of [
      '/api/v1/openai/v1%2Fchat%2Fcompletions',
      '/api/v1/openai/v1/chat%2fcompletions',
      '/api/v1/openai/v1/%2e%2e/v1/chat/completions',
      '/api/v1/openai/v1/embeddings/%2E%2E/chat/completions',
      '/api/v1/openai%2Fv1/chat/completions',
      '/api/v1/openai/v1/chat/completion%73',
      '/api/v1/openai/v1/chat/completions%00',
    ]) {
      expect(match('POST', url).kind, url).toBe('not_found');
    }
  });

  it('treats double slashes, trailing slashes and case as different paths', () => {
    for (const url of [
      '/api/v1/openai//v1/chat/completions',
      '/api/v1/openai/v1//chat/completions',
      '//api/v1/openai/v1/chat/completions',
      `${CHAT}/`,
      `${CHAT}//`,
      '/api/v1/OpenAI/v1/chat/completions',
      '/api/v1/openai/v1/Chat/Completions',
      '/api/v1/openai',
      '/api/v1/openai/',
      '/api/v1/',
      'http://evil.example/api/v1/openai/v1/chat/completions',
      '',
    ]) {
      expect(match('POST', url).kind, url).toBe('not_found');
    }
  });

  it('reports a wrong method with the methods the path allows', () => {
    expect(match('GET', CHAT)).toEqual({ kind: 'method_not_allowed', allow: ['POST'] });
    expect(match('DELETE', '/api/v1/openai/v1/models')).toEqual({ kind: 'method_not_allowed', allow: ['GET'] });
    const err = matchError({ kind: 'method_not_allowed', allow: ['POST'] }, 'GET', `${CHAT}?a=1`);
    expect(err.code).toBe('method_not_allowed');
    expect(err.data.allow).toEqual(['POST']);
    expect(matchError({ kind: 'not_found' }, 'POST', '/api/v1/nope').code).toBe('not_found');
  });
});

describe('safeSearch', () => {
  it('keeps a plain query and percent-encodes bytes outside the RFC 3986 query set', () => {
    expect(safeSearch('?a=1&b=%20c/d?e')).toBe('?a=1&b=%20c/d?e');
    expect(safeSearch('?q=a b"é')).toBe('?q=a%20b%22%C3%A9');
  });
});
