// Child tokens (POST/GET /api/v1/tokens, DELETE /api/v1/tokens/{id}): the bodies as the contract
// describes them. Typed here until contract/api.ts carries their schemas.

// local type: swap for the contract's CreateChildTokenBody when contract/api.ts has it
export interface CreateChildTokenBody {
  amount_sats: number;
  /** Unix seconds */
  expires_at?: number;
  max_sats_per_day?: number;
  /** the APIs it may call (catalog API names); absent: every API */
  apis?: string[];
}

// local type: swap for the contract's ChildTokenCreated when contract/api.ts has it
export interface ChildTokenCreated {
  token: string;
  id: string;
  amount_sats: number;
  expires_at: number | null;
  max_sats_per_day: number | null;
  apis: string[] | null;
  balance_sats: number;
  created_at: number;
}

// local type: swap for the contract's ChildToken when contract/api.ts has it
export interface ChildToken {
  id: string;
  balance_sats: number;
  balance_msat: number;
  expires_at: number | null;
  max_sats_per_day: number | null;
  apis: string[] | null;
  spent_today_sats: number;
  revoked: boolean;
  created_at: number;
}

// local type: swap for the contract's ChildTokenList when contract/api.ts has it
export interface ChildTokenList {
  data: ChildToken[];
}

// local type: swap for the contract's ChildTokenRevoked when contract/api.ts has it
export interface ChildTokenRevoked {
  id: string;
  returned_sats: number;
  revoked: true;
}
