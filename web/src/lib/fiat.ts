// A rough fiat hint beside sats, at the operator's rate (health's `fiat`): "≈ $0.95". Only a
// hint: the rate is whatever the operator set, never a quote.

export interface FiatRate {
  currency: string;
  /** the price of 1 BTC in that currency */
  per_btc: number;
}

const SATS_PER_BTC = 100_000_000;

export function formatFiat(sats: number, rate: FiatRate, locale = 'en-US'): string {
  const value = (sats / SATS_PER_BTC) * rate.per_btc;
  // cents for amounts of a unit or more; two significant digits below (0.0095 stays visible)
  const options: Intl.NumberFormatOptions =
    value >= 1 ? { style: 'currency', currency: rate.currency, maximumFractionDigits: 2 } : { style: 'currency', currency: rate.currency, maximumSignificantDigits: 2 };
  try {
    return `≈ ${new Intl.NumberFormat(locale, options).format(value)}`;
  } catch {
    return `≈ ${value.toPrecision(2)} ${rate.currency}`; // a currency code Intl does not know
  }
}
