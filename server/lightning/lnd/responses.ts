// LND's REST answers as its gateway writes them (lightning.proto, routerrpc/router.proto): 64-bit
// integers are JSON strings, `bytes` fields standard base64, enums their names; streams are one
// JSON object a line, `{"result": …}` or `{"error": {"code", "message"}}`.
import { z } from 'zod';

const int64 = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));
const b64 = z.string().transform((s, ctx) => {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length === 0 && s.length > 0) ctx.addIssue({ code: 'custom', message: 'not base64' });
  return bytes.toString('hex');
});
const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase());

/** POST /v1/invoices (AddInvoiceResponse) */
export const addInvoiceSchema = z.object({
  r_hash: b64,
  payment_request: z.string().min(1),
  add_index: int64.optional(),
});

/** POST /v2/invoices/hodl (invoicesrpc.AddHoldInvoiceResp) */
export const addHoldInvoiceSchema = z.object({
  payment_request: z.string().min(1),
  add_index: int64.optional(),
});

/** lnrpc.Invoice: GET /v1/invoice/{r_hash_str} and each line of /v1/invoices/subscribe */
export const invoiceSchema = z.object({
  memo: z.string().default(''),
  r_hash: b64,
  value_msat: int64.default(0n),
  creation_date: int64,
  settle_date: int64.default(0n),
  payment_request: z.string().default(''),
  expiry: int64.default(3600n),
  amt_paid_msat: int64.default(0n),
  state: z.enum(['OPEN', 'SETTLED', 'CANCELED', 'ACCEPTED']),
  add_index: int64.default(0n),
  settle_index: int64.default(0n),
});

/** lnrpc.Payment: each line of /v2/router/send and /v2/router/track/{hash} */
export const paymentSchema = z.object({
  payment_hash: hex32,
  value_msat: int64.default(0n),
  payment_preimage: z.string().default(''),
  status: z.string(), // UNKNOWN, IN_FLIGHT, SUCCEEDED, FAILED, INITIATED
  fee_msat: int64.default(0n),
  failure_reason: z.string().default('FAILURE_REASON_NONE'),
});

export const getInfoSchema = z.object({
  identity_pubkey: z.string().regex(/^0[23][0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase()),
});

/** the gateway's error: a whole non-200 body, or `error` of a stream line (older gateways: `grpc_code`) */
export const rpcErrorSchema = z.union([
  z.object({ code: z.number().int(), message: z.string() }),
  z.object({ grpc_code: z.number().int(), message: z.string() }).transform((e) => ({ code: e.grpc_code, message: e.message })),
]);

export const streamLineSchema = z.union([
  z.object({ result: z.unknown() }).transform((l) => ({ kind: 'result' as const, value: l.result })),
  z.object({ error: rpcErrorSchema }).transform((l) => ({ kind: 'error' as const, value: l.error })),
]);

/** gRPC's NOT_FOUND */
export const NOT_FOUND = 5;

export function parseJsonAs<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function parseTextAs<T extends z.ZodType>(schema: T, text: string): z.output<T> | null {
  try {
    return parseJsonAs(schema, JSON.parse(text));
  } catch {
    return null;
  }
}
