// Every token waiting to be saved, above the page content on every page; warns before leaving.
import { useBeforeUnload } from '../hooks/useBeforeUnload';
import { useReveal } from '../state/useReveal';
import { TokenReveal } from './TokenReveal';

export function TokenReveals() {
  const { reveals, dismiss } = useReveal();
  useBeforeUnload(reveals.length > 0);
  if (reveals.length === 0) return null;
  return (
    <div className="token-reveals">
      {reveals.map((r) => (
        <TokenReveal key={r.token} revealed={r} onDismiss={() => dismiss(r.token)} />
      ))}
    </div>
  );
}
