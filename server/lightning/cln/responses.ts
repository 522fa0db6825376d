// Core Lightning's JSON-RPC results as clnrest returns them (lightning-invoice, -listinvoices,
// -waitanyinvoice, -pay, -listpays): msat amounts are integers (older versions: "123msat"),
// hashes and preimages hex, times Unix seconds; a failed call is its RPC error {code, message}.
import { z } from 'zod';

const msat = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}(msat)?$/)]).transform((v) => BigInt(typeof v === 'number' ? v : v.replace(/msat$/, '')));
const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase());
const seconds = z.number().int().nonnegative();

export const createdInvoiceSchema = z.object({
  payment_hash: hex32,
  bolt11: z.string().min(1),
  expires_at: seconds,
});

export const invoiceSchema = z.object({
  label: z.string(),
  bolt11: z.string().optional(),
  payment_hash: hex32,
  status: z.enum(['unpaid', 'paid', 'expired']),
  amount_msat: msat.optional(),
  amount_received_msat: msat.optional(),
  pay_index: z.number().int().positive().optional(),
  paid_at: seconds.optional(),
  expires_at: seconds,
  /** since v23.08: the order listinvoices pages by (index "created") */
  created_index: z.number().int().positive().optional(),
});

export const listInvoicesSchema = z.object({ invoices: z.array(invoiceSchema) });

/** a result of pay, and each entry of listpays */
export const paySchema = z.object({
  payment_hash: hex32,
  status: z.enum(['complete', 'pending', 'failed']),
  payment_preimage: hex32.optional(),
  preimage: hex32.optional(),
  amount_msat: msat.optional(),
  amount_sent_msat: msat.optional(),
});

export const listPaysSchema = z.object({ pays: z.array(paySchema) });

export const getInfoSchema = z.object({ id: z.string().regex(/^0[23][0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase()) });

const rpcError = z.object({ code: z.number().int(), message: z.string() });
/** an RPC error as clnrest answers it: the Rust plugin (v24.11+) `{code, message}`, the Python one (v23.08–v24.08) `{"error": {code, message}}` */
export const rpcErrorSchema = z.union([rpcError, z.object({ error: rpcError }).transform((e) => e.error)]);

/** waitanyinvoice's error when its timeout passed with nothing paid */
export const WAIT_TIMED_OUT = 904;

export function parseTextAs<T extends z.ZodType>(schema: T, text: string): z.output<T> | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
