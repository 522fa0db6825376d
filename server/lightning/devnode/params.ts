// Reading request parameters the way phoenixd does, with its 400 texts (Ktor's
// MissingRequestParameterException / ParameterConversionException).
import { decodeBolt11, type DecodedInvoice } from '../bolt11.js';

export type Form = Record<string, string | undefined>;

/** Answered as HTTP 400 with the message as plain text. */
export class BadParameterError extends Error {
  override name = 'BadParameterError';
}

export const missing = (name: string): BadParameterError => new BadParameterError(`Request parameter ${name} is missing`);
const invalid = (name: string, type: string): BadParameterError =>
  new BadParameterError(`Request parameter ${name} couldn't be parsed/converted to ${type}`);

export function requiredString(form: Form, name: string): string {
  const value = form[name];
  if (value === undefined) throw missing(name);
  return value;
}

export function optionalString(form: Form, name: string): string | null {
  return form[name] ?? null;
}

/** A positive whole number (sats, seconds); absent → null. */
export function optionalPositiveInteger(form: Form, name: string): number | null {
  const value = form[name];
  if (value === undefined) return null;
  const n = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw invalid(name, 'integer');
  return n;
}

export function hex32(value: string | undefined, name: string): string {
  if (value === undefined) throw missing(name);
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw invalid(name, 'hex32');
  return value.toLowerCase();
}

export function optionalHex32(form: Form, name: string): string | null {
  return form[name] === undefined ? null : hex32(form[name], name);
}

export function optionalHttpUrl(form: Form, name: string): string | null {
  const value = form[name];
  if (value === undefined) return null;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // falls through to the 400
  }
  throw invalid(name, 'url');
}

export function bolt11Invoice(form: Form, name: string): { text: string; decoded: DecodedInvoice } {
  const text = requiredString(form, name).trim();
  try {
    return { text, decoded: decodeBolt11(text) };
  } catch {
    throw invalid(name, 'bolt11invoice');
  }
}
