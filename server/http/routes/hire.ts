// /api/v1/ai-for-hire: the marketplace's routes, in one encapsulated plugin whose hook applies
// the rate limits: free endpoints per client address and per token, posting per token.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HireService } from '../../hire/index.js';
import type { RateLimiter } from '../../ratelimit.js';
import { readToken } from '../auth.js';
import { hireCollectRoutes } from './hire-collect.js';
import { hireEventRoutes } from './hire-events.js';
import { hireTaskRoutes } from './hire-tasks.js';
import { hireWorkRoutes } from './hire-work.js';

/** How a route is limited: `free` per address and token, `paid` not here (its invoices are), `post` also per token. */
export type HireLimit = 'free' | 'paid' | 'free-post';

export interface HireRouteDeps {
  hire: HireService;
  limiter?: RateLimiter;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    hireLimit?: HireLimit;
  }
}

function tokenKey(req: FastifyRequest): string | null {
  try {
    return hireTokenKey(readToken(req));
  } catch {
    return null; // a malformed token is refused by the route itself
  }
}

/** The rate-limit key of a token (never the token itself). */
export const hireTokenKey = (token: string | null): string | null => (token === null ? null : createHash('sha256').update(token).digest('hex').slice(0, 32));

/** The marketplace's rate limits for one action, the same over HTTP and MCP. */
export async function checkHireLimit(limiter: RateLimiter, limit: HireLimit, client: string, token: string | null): Promise<void> {
  if (limit === 'paid') {
    if (token !== null) await limiter.check('hire-post', token);
    return;
  }
  await limiter.check('hire', client);
  if (token !== null) await limiter.check('hire-token', token);
  if (limit === 'free-post' && token !== null) await limiter.check('hire-post', token);
}

export async function hireRoutes(app: FastifyInstance, deps: HireRouteDeps): Promise<void> {
  await app.register(async (hire) => {
    const { limiter } = deps;
    if (limiter) {
      hire.addHook('preHandler', async (req) => checkHireLimit(limiter, req.routeOptions.config.hireLimit ?? 'free', req.ip, tokenKey(req)));
    }
    hireTaskRoutes(hire, deps.hire);
    hireWorkRoutes(hire, deps.hire);
    hireCollectRoutes(hire, deps.hire);
    hireEventRoutes(hire, deps.hire);
  });
}
