// Short, readable log lines for a terminal: pino writes JSON lines to this destination and a
// person reads "12:04:31 INFO  POST /api/v1/topup → 201 in 12 ms". JSON stays the format when
// the output is piped or in production (chooseLogFormat). Written here rather than taken from
// pino-pretty: one small file, no dependency to install.

export type LogFormat = 'json' | 'pretty';

/** `auto`: pretty only for a person at a terminal, never under NODE_ENV=production. */
export function chooseLogFormat(p: { setting: 'auto' | LogFormat; stdoutIsTTY: boolean; nodeEnv: string | undefined }): LogFormat {
  if (p.setting !== 'auto') return p.setting;
  return p.stdoutIsTTY && p.nodeEnv !== 'production' ? 'pretty' : 'json';
}

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '90'],
  20: ['DEBUG', '90'],
  30: ['INFO ', '32'],
  40: ['WARN ', '33'],
  50: ['ERROR', '31'],
  60: ['FATAL', '35'],
};
/** fields every line has, or that the line shows in its own way */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'req', 'res', 'responseTime', 'err']);
/** request lines kept to name the method and path when the response line comes */
const MAX_OPEN_REQUESTS = 1_000;

export interface PrettyOptions {
  color: boolean;
  /** local time of day for a Unix-ms timestamp; injected by tests */
  timeOfDay?: (ms: number) => string;
}

const defaultTimeOfDay = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/**
 * Turns pino's JSON lines into short ones. Keeps the method and path of each incoming request
 * until its response line, which then reads as one line; the incoming line itself is not shown.
 */
export class PrettyLog {
  private readonly open = new Map<string, string>();
  private readonly timeOfDay: (ms: number) => string;

  constructor(private readonly opts: PrettyOptions) {
    this.timeOfDay = opts.timeOfDay ?? defaultTimeOfDay;
  }

  /** The line to print for one JSON log line, or null for nothing. */
  format(jsonLine: string): string | null {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(jsonLine) as Record<string, unknown>;
    } catch {
      return jsonLine.replace(/\n$/, ''); // not ours: print it as it came
    }
    const reqId = typeof entry.reqId === 'string' ? entry.reqId : null;
    const req = entry.req as { method?: string; url?: string } | undefined;
    if (entry.msg === 'incoming request' && reqId && req) {
      if (this.open.size >= MAX_OPEN_REQUESTS) this.open.delete(this.open.keys().next().value!);
      this.open.set(reqId, `${req.method ?? '?'} ${req.url ?? '?'}`);
      return null;
    }
    const [label, color] = LEVELS[entry.level as number] ?? ['LOG  ', '0'];
    const paint = (code: string, text: string): string => (this.opts.color ? `\x1b[${code}m${text}\x1b[0m` : text);
    const time = paint('90', typeof entry.time === 'number' ? this.timeOfDay(entry.time) : '--:--:--');
    let text: string;
    if (entry.msg === 'request completed' && reqId) {
      const what = this.open.get(reqId) ?? 'request';
      this.open.delete(reqId);
      const status = (entry.res as { statusCode?: number } | undefined)?.statusCode ?? 0;
      // the web app's files answering fine say nothing worth a line
      if (status < 400 && /^GET \/(assets\/|favicon)/.test(what)) return null;
      const ms = typeof entry.responseTime === 'number' ? ` in ${Math.round(entry.responseTime)} ms` : '';
      text = `${what} → ${paint(status >= 500 ? '31' : status >= 400 ? '33' : '32', String(status))}${ms}`;
    } else {
      text = String(entry.msg ?? '');
    }
    const extras = Object.entries(entry)
      .filter(([k]) => !SHOWN.has(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    if (extras.length > 0) text += ` ${paint('90', extras.join(' '))}`;
    const err = entry.err as { message?: string; stack?: string } | undefined;
    if (err) text += `\n    ${(err.stack ?? err.message ?? JSON.stringify(err)).split('\n').join('\n    ')}`;
    return `${time} ${paint(color, label)} ${text}`;
  }
}

/** A pino destination that writes the short lines to `out`. */
export function prettyDestination(out: { write(text: string): unknown }, opts: PrettyOptions): { write(line: string): void } {
  const pretty = new PrettyLog(opts);
  return {
    write(line: string) {
      const text = pretty.format(line);
      if (text !== null) out.write(`${text}\n`);
    },
  };
}
