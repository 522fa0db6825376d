// Child tokens (POST/GET /api/v1/tokens, DELETE /api/v1/tokens/{id}): the bodies' types, from
// contract/api.ts (type-only imports: no zod reaches the bundle).

import type { z } from 'zod';
import type { CreateChildTokenSchema } from '../../../contract/api';

export type CreateChildTokenBody = z.input<typeof CreateChildTokenSchema>;
export type { ChildToken, ChildTokenCreated, ChildTokenList, ChildTokenRevoked } from '../../../contract/api';
