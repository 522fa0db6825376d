// A request's child logger, made only when the request logs something at a level that is on: most
// requests log nothing (at the default level), and a pino child costs every request a copy of
// its bindings. The child, once made, is exactly the one Fastify would have made.
import type { FastifyBaseLogger, LogLevel } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Log = (...args: unknown[]) => void;

export class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  /** false only when the level is certainly off: on the parent, and no level of the request's own */
  private on(level: LogLevel): boolean {
    if (this.made || this.options.level !== undefined) return true;
    const enabled = (this.parent as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled;
    return enabled === undefined || enabled.call(this.parent, level);
  }

  get level(): string {
    return this.made ? this.made.level : (this.options.level ?? this.parent.level);
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  private write(level: Exclude<LogLevel, 'silent'>, args: unknown[]): void {
    if (this.on(level)) (this.real()[level] as Log)(...args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}
