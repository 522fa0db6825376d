// The API's own routes by path shape, so a path that exists with other methods answers 405
// `method_not_allowed` with `Allow` rather than 404 (the proxied endpoints say so from the catalog).
// Filled by an onRoute hook; wildcard routes (the web app, CORS preflight, the proxy's catch-all)
// are left out, or every unknown path would seem to exist, and so are routes that only answer 405
// (`config.refusesMethod`: MCP's GET and DELETE).
import { AppError } from '../errors.js';

interface Shape {
  pattern: RegExp;
  methods: Set<string>;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class RouteShapes {
  private readonly byUrl = new Map<string, Shape>();

  add(url: string, method: string | readonly string[], config?: unknown): void {
    if (!url.startsWith('/') || url.includes('*') || (config as { refusesMethod?: boolean } | undefined)?.refusesMethod === true) return;
    let shape = this.byUrl.get(url);
    if (!shape) {
      const source = url
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : escapeRegExp(segment)))
        .join('/');
      shape = { pattern: new RegExp(`^${source}$`), methods: new Set() };
      this.byUrl.set(url, shape);
    }
    for (const m of typeof method === 'string' ? [method] : method) shape.methods.add(m.toUpperCase());
  }

  /** 405 when `path` is one of ours and takes other methods than `method`; else null. */
  wrongMethod(method: string, path: string): AppError | null {
    const allow = this.allowed(path);
    if (allow.length === 0 || allow.includes(method)) return null;
    return new AppError('method_not_allowed', `Method ${method} is not allowed on ${path}; it takes ${allow.join(', ')}.`, {}, {}, { allow });
  }

  /** The methods some route takes at `path`; empty when none of ours has that shape. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const shape of this.byUrl.values()) if (shape.pattern.test(path)) for (const m of shape.methods) methods.add(m);
    return [...methods].sort();
  }
}
