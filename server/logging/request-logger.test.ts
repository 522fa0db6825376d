import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { RequestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const root = pino({ level, redact: { paths: ['req.headers.authorization'], remove: true } }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { root, lines };
}

describe('RequestLogger', () => {
  it('makes no child while nothing is logged at a level that is on', () => {
    const { root, lines } = capture('warn');
    const child = vi.spyOn(root, 'child');
    const log = new RequestLogger(root, { reqId: 'r1' }, {});
    log.info({ a: 1 }, 'incoming request');
    log.debug('x');
    log.trace('y');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it('logs through the child Fastify would have made: its bindings, the root redaction', () => {
    const { root, lines } = capture('info');
    const log = new RequestLogger(root, { reqId: 'r2' }, {});
    log.warn({ req: { headers: { authorization: 'Bearer abl_secret', host: 'h' } } }, 'careful');
    log.info('plain');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 40, reqId: 'r2', msg: 'careful', req: { headers: { host: 'h' } } });
    expect(JSON.stringify(lines[0])).not.toContain('abl_secret');
    expect(lines[1]).toMatchObject({ level: 30, reqId: 'r2', msg: 'plain' });
  });

  it('keeps a level of the request’s own, and its children carry both bindings', () => {
    const { root, lines } = capture('warn');
    const log = new RequestLogger(root, { reqId: 'r3' }, { level: 'debug' });
    log.debug('shown');
    log.child({ part: 'p' }).error('nested');
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['shown', 'r3'],
      ['nested', 'r3'],
    ]);
    expect(lines[1]).toMatchObject({ part: 'p' });
  });
});
