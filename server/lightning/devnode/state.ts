// What the development node remembers, and its JSON form (bigint msat written as strings).
import { z } from 'zod';

export interface IncomingRecord {
  paymentHash: string;
  /** kept secret until the invoice is paid */
  preimage: string;
  bolt11: string;
  description: string | null;
  /** null for a zero-amount invoice */
  amountMsat: bigint | null;
  externalId: string | null;
  webhookUrl: string | null;
  createdAtMs: number;
  expiresAtMs: number;
  receivedMsat: bigint;
  completedAtMs: number | null;
}

export type OutgoingStatus = 'pending' | 'succeeded' | 'failed';

export interface OutgoingRecord {
  paymentId: string;
  paymentHash: string;
  bolt11: string;
  /** what the recipient gets */
  amountMsat: bigint;
  feeMsat: bigint;
  status: OutgoingStatus;
  preimage: string | null;
  reason: string | null;
  createdAtMs: number;
  completedAtMs: number | null;
}

export interface DevnodeState {
  privateKey: string;
  balanceMsat: bigint;
  incoming: Map<string, IncomingRecord>;
  outgoing: OutgoingRecord[];
}

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const msat = z.string().regex(/^\d+$/).transform((s) => BigInt(s));
const ms = z.number().int().nonnegative();

const incomingSchema = z.object({
  paymentHash: hex32,
  preimage: hex32,
  bolt11: z.string(),
  description: z.string().nullable(),
  amountMsat: msat.nullable(),
  externalId: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  createdAtMs: ms,
  expiresAtMs: ms,
  receivedMsat: msat,
  completedAtMs: ms.nullable(),
});

const outgoingSchema = z.object({
  paymentId: z.string(),
  paymentHash: hex32,
  bolt11: z.string(),
  amountMsat: msat,
  feeMsat: msat,
  status: z.enum(['pending', 'succeeded', 'failed']),
  preimage: hex32.nullable(),
  reason: z.string().nullable(),
  createdAtMs: ms,
  completedAtMs: ms.nullable(),
});

const stateFileSchema = z.object({
  version: z.literal(1),
  privateKey: hex32,
  balanceMsat: msat,
  incoming: z.array(incomingSchema),
  outgoing: z.array(outgoingSchema),
});

export function serializeState(state: DevnodeState): string {
  const file = {
    version: 1,
    privateKey: state.privateKey,
    balanceMsat: state.balanceMsat,
    incoming: [...state.incoming.values()],
    outgoing: state.outgoing,
  };
  return JSON.stringify(file, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/** Throws when the file is not a state this code wrote: better to stop than to lose invoices. */
export function parseState(text: string): DevnodeState {
  const file = stateFileSchema.parse(JSON.parse(text));
  return {
    privateKey: file.privateKey,
    balanceMsat: file.balanceMsat,
    incoming: new Map(file.incoming.map((record) => [record.paymentHash, record])),
    outgoing: file.outgoing,
  };
}
