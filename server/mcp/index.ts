// The MCP server's tools, assembled from the catalog, the marketplace and the account services.
import type { Catalog } from '../../contract/catalog.js';
import type { HireService } from '../hire/index.js';
import type { Ledger } from '../ledger/index.js';
import type { PaidCalls } from '../payments/paid-call.js';
import type { ReserveAhead } from '../payments/reserve-ahead.js';
import type { RateLimiter } from '../ratelimit.js';
import type { TokenService } from '../tokens/service.js';
import type { TopupService } from '../topup/service.js';
import { accountTools } from './account-tools.js';
import { catalogTools } from './catalog-tools.js';
import { hireTools } from './hire-tools.js';
import { createToolbox, type Toolbox } from './server.js';

export { PRICE_META_KEY, type ToolPrice } from './tool.js';
export type { Toolbox } from './server.js';

export interface McpDeps {
  catalog: Catalog;
  paidCall: PaidCalls;
  hire: HireService;
  limiter?: RateLimiter;
  ledger: Ledger;
  topups: TopupService;
  tokens: TokenService;
  now: () => number;
  /** a history read gives back the token's holds kept ahead first, as the route does */
  reserveAhead?: Pick<ReserveAhead, 'giveBackFor'>;
  /** signs usage history cursors */
  cursorKey: Buffer;
  version: string;
  onAuthFailure?: (client: string) => Promise<void>;
  log?: { error(obj: object, msg: string): void };
}

export function createMcpToolbox(deps: McpDeps): Toolbox {
  const { catalog } = deps;
  const tools = [
    ...catalogTools(catalog, { paidCall: deps.paidCall }),
    ...hireTools({ hire: deps.hire, ...(deps.limiter ? { limiter: deps.limiter } : {}) }, { postTaskSats: catalog.hire.post_task_sats, quoteSats: catalog.hire.quote_sats }),
    ...accountTools({
      ledger: deps.ledger,
      topups: deps.topups,
      tokens: deps.tokens,
      now: deps.now,
      ...(deps.reserveAhead ? { reserveAhead: deps.reserveAhead } : {}),
      cursorKey: deps.cursorKey,
      topupLimits: { minSats: catalog.topup.min_sats, maxSats: catalog.topup.max_sats },
    }),
  ];
  return createToolbox({
    tools,
    version: deps.version,
    hints: { minTopupSats: catalog.topup.min_sats },
    ...(deps.onAuthFailure ? { onAuthFailure: deps.onAuthFailure } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
}
