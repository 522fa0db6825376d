import { describe, expect, it } from 'vitest';
import { chooseLogFormat, PrettyLog } from './pretty.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ pid: 1, hostname: 'h', time: 0, ...o });

describe('log format', () => {
  it('is pretty only at a terminal outside production, unless set', () => {
    expect(chooseLogFormat({ setting: 'auto', stdoutIsTTY: true, nodeEnv: undefined })).toBe('pretty');
    expect(chooseLogFormat({ setting: 'auto', stdoutIsTTY: false, nodeEnv: undefined })).toBe('json');
    expect(chooseLogFormat({ setting: 'auto', stdoutIsTTY: true, nodeEnv: 'production' })).toBe('json');
    expect(chooseLogFormat({ setting: 'pretty', stdoutIsTTY: false, nodeEnv: 'production' })).toBe('pretty');
    expect(chooseLogFormat({ setting: 'json', stdoutIsTTY: true, nodeEnv: undefined })).toBe('json');
  });
});

describe('pretty lines', () => {
  const pretty = () => new PrettyLog({ color: false, timeOfDay: () => '12:04:31' });

  it('one line per request: method, path, status and time; the incoming line says nothing', () => {
    const p = pretty();
    expect(p.format(line({ level: 30, reqId: 'r1', req: { method: 'POST', url: '/api/v1/topup' }, msg: 'incoming request' }))).toBeNull();
    expect(p.format(line({ level: 30, reqId: 'r1', res: { statusCode: 201 }, responseTime: 12.4, msg: 'request completed' }))).toBe('12:04:31 INFO  POST /api/v1/topup → 201 in 12 ms');
  });

  it('leaves out the web app files that answered fine, not those that failed', () => {
    const p = pretty();
    p.format(line({ level: 30, reqId: 'a', req: { method: 'GET', url: '/assets/index-1.js' }, msg: 'incoming request' }));
    expect(p.format(line({ level: 30, reqId: 'a', res: { statusCode: 200 }, responseTime: 1, msg: 'request completed' }))).toBeNull();
    p.format(line({ level: 30, reqId: 'b', req: { method: 'GET', url: '/assets/gone.js' }, msg: 'incoming request' }));
    expect(p.format(line({ level: 30, reqId: 'b', res: { statusCode: 404 }, responseTime: 1, msg: 'request completed' }))).toBe('12:04:31 INFO  GET /assets/gone.js → 404 in 1 ms');
  });

  it('other lines: level, message, extra fields, and an error with its stack indented', () => {
    const p = pretty();
    expect(p.format(line({ level: 40, msg: 'PHOENIXD_URL is not set' }))).toBe('12:04:31 WARN  PHOENIXD_URL is not set');
    expect(p.format(line({ level: 50, job: 'hire-sweep', msg: 'job failed', err: { message: 'boom', stack: 'Error: boom\n    at x' } }))).toBe(
      '12:04:31 ERROR job failed job=hire-sweep\n    Error: boom\n        at x',
    );
    expect(p.format('not json\n')).toBe('not json');
  });

  it('colours the level and status when asked', () => {
    const p = new PrettyLog({ color: true, timeOfDay: () => 't' });
    expect(p.format(line({ level: 50, msg: 'x' }))).toBe('\x1b[90mt\x1b[0m \x1b[31mERROR\x1b[0m x');
  });
});
