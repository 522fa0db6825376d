// "≈ $0.95" beside an amount in sats, when the operator set a rate (health's `fiat`); nothing otherwise.
import { useHealth } from '../hooks/useHealth';
import { formatFiat } from '../lib/fiat';

export function FiatHint({ sats, className = 'muted small' }: { sats: number; className?: string }) {
  const { data } = useHealth();
  if (!data?.fiat || !Number.isFinite(sats) || sats <= 0) return null;
  return (
    <span className={`fiat-hint ${className}`} title={`At the operator's rate of ${formatFiat(100_000_000, data.fiat).slice(2)} per bitcoin`} data-testid="fiat-hint">
      {formatFiat(sats, data.fiat)}
    </span>
  );
}
