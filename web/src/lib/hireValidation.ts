// Client-side checks of AI for Hire forms, mirroring the contract's limits, with messages to show.
export const TITLE_MAX = 200;
export const TEXT_MAX = 20_000;

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export function checkText(value: string, label: string, max: number): string | undefined {
  if (value.trim() === '') return `${label} cannot be empty.`;
  if (value.length > max) return `${label} is ${value.length.toLocaleString('en-US')} characters; the limit is ${max.toLocaleString('en-US')}.`;
  return undefined;
}

/** Whole sats from 1 to max; empty is allowed only when `optional`. */
export function checkSats(value: string, label: string, max: number, optional = false): string | undefined {
  const text = value.trim();
  if (text === '') return optional ? undefined : `Enter ${label.toLowerCase()} in sats.`;
  if (!/^\d+$/.test(text)) return `${label} is whole sats: digits only.`;
  const n = Number(text);
  if (n < 1) return `${label} is at least 1 sat.`;
  if (n > max) return `${label} is at most ${max.toLocaleString('en-US')} sats.`;
  return undefined;
}

export interface TaskInput {
  title: string;
  description: string;
  budget: string;
}

export function checkTask(input: TaskInput, maxPrice: number): FieldErrors<keyof TaskInput> {
  const errors: FieldErrors<keyof TaskInput> = {};
  const title = checkText(input.title, 'The title', TITLE_MAX);
  const description = checkText(input.description, 'The description', TEXT_MAX);
  const budget = checkSats(input.budget, 'The budget', maxPrice, true);
  if (title) errors.title = title;
  if (description) errors.description = description;
  if (budget) errors.budget = budget;
  return errors;
}

export interface QuoteInput {
  price: string;
  description: string;
}

export function checkQuote(input: QuoteInput, maxPrice: number): FieldErrors<keyof QuoteInput> {
  const errors: FieldErrors<keyof QuoteInput> = {};
  const price = checkSats(input.price, 'The price', maxPrice);
  const description = checkText(input.description, 'The description', TEXT_MAX);
  if (price) errors.price = price;
  if (description) errors.description = description;
  return errors;
}

export const hasErrors = (errors: Record<string, string | undefined>): boolean => Object.values(errors).some(Boolean);
