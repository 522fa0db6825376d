import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';

describe('upstreamRequestHeaders', () => {
  const client = {
    host: 'proxy.example',
    authorization: 'Bearer abl_secret',
    'x-token': 'abl_secret',
    cookie: 'session=1',
    'content-length': '42',
    'content-type': 'application/json',
    connection: 'keep-alive, x-private-hop',
    'keep-alive': 'timeout=5',
    'x-private-hop': '1',
    'proxy-authorization': 'Basic x',
    'proxy-connection': 'keep-alive',
    te: 'trailers',
    trailer: 'x-checksum',
    'transfer-encoding': 'chunked',
    upgrade: 'h2c',
    expect: '100-continue',
    'x-forwarded-for': '203.0.113.9',
    'x-real-ip': '203.0.113.9',
    forwarded: 'for=203.0.113.9',
    'user-agent': 'OpenAI/JS 6.0',
    accept: 'text/event-stream',
    'openai-beta': 'assistants=v2',
    'x-api-key': 'client-supplied',
  };

  it('drops credentials, cookies, hop-by-hop and connection-named headers, keeps the rest', () => {
    const out = upstreamRequestHeaders(client, { auth: ['Authorization', 'Bearer sk-upstream'], extra: {} });
    expect(out).toEqual({
      authorization: 'Bearer sk-upstream',
      'content-type': 'application/json',
      'user-agent': 'OpenAI/JS 6.0',
      accept: 'text/event-stream',
      'openai-beta': 'assistants=v2',
    });
    // x-api-key is a client credential too (an abl_ token on the Anthropic API): never forwarded as the client sent it
    expect(out).not.toHaveProperty('x-api-key');
  });

  it('puts the key in the configured header, over any client value, and adds config headers', () => {
    const out = upstreamRequestHeaders(client, { auth: ['x-api-key', 'sk-ant'], extra: { 'Anthropic-Version': '2023-06-01' }, contentType: 'application/json' });
    expect(out['x-api-key']).toBe('sk-ant');
    expect(out['anthropic-version']).toBe('2023-06-01');
    expect(out.authorization).toBeUndefined();
    expect(out['x-token']).toBeUndefined();
  });

  it('offers the upstream only the content codings the proxy can decode (to scrub error bodies)', () => {
    const auth = { auth: ['authorization', 'Bearer k'] as const, extra: {} };
    expect(upstreamRequestHeaders({ 'accept-encoding': 'gzip, deflate, br, zstd' }, auth)['accept-encoding']).toBe('gzip, deflate, br');
    expect(upstreamRequestHeaders({ 'accept-encoding': 'zstd;q=1.0, GZIP;q=0.5' }, auth)['accept-encoding']).toBe('GZIP;q=0.5');
    expect(upstreamRequestHeaders({ 'accept-encoding': 'zstd, *' }, auth)['accept-encoding']).toBeUndefined();
  });

  it('replaces the Content-Type when asked (JSON read from a form-encoded request)', () => {
    const out = upstreamRequestHeaders({ 'content-type': 'application/x-www-form-urlencoded' }, { auth: ['authorization', 'Bearer k'], extra: {}, contentType: 'application/json' });
    expect(out['content-type']).toBe('application/json');
  });
});

describe('clientResponseHeaders', () => {
  it('drops hop-by-hop headers, cookies, HSTS, Alt-Svc, CORS and hidden names; keeps the rest', () => {
    const out = clientResponseHeaders(
      {
        'content-type': 'text/event-stream',
        'content-length': '10',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'set-cookie': ['__cf_bm=1', '_cfuvid=2'],
        'strict-transport-security': 'max-age=1',
        'alt-svc': 'h3=":443"',
        'access-control-allow-origin': '*',
        'openai-organization': 'user-abc',
        'x-request-id': 'req_1',
        'x-ratelimit-remaining-requests': '9',
      },
      new Set(['openai-organization']),
    );
    expect(out).toEqual({ 'content-type': 'text/event-stream', 'content-length': '10', 'x-request-id': 'req_1', 'x-ratelimit-remaining-requests': '9' });
  });
});
