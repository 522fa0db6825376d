// Every token waiting to be saved, above the page content on every page; warns before leaving.
// One hidden: focus goes on to the next token to save, else to the page's next step (an element
// marked data-next-step, its heading), else the main content — never back to <body>.
import { useEffect, useRef } from 'react';
import { useBeforeUnload } from '../hooks/useBeforeUnload';
import { useReveal } from '../state/useReveal';
import { TokenReveal } from './TokenReveal';

export function TokenReveals() {
  const { reveals, dismiss } = useReveal();
  useBeforeUnload(reveals.length > 0);
  const hidden = useRef(false);
  useEffect(() => {
    if (!hidden.current) return;
    hidden.current = false;
    const next =
      document.querySelector<HTMLElement>('.token-reveal h2') ??
      document.querySelector<HTMLElement>('main [data-next-step] h2[tabindex]') ??
      document.getElementById('main');
    next?.focus();
  }, [reveals]);
  if (reveals.length === 0) return null;
  return (
    <div className="token-reveals">
      {reveals.map((r) => (
        <TokenReveal key={r.token} revealed={r} onDismiss={() => {
            hidden.current = true;
            dismiss(r.token);
          }} />
      ))}
    </div>
  );
}
