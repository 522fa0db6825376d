// Moves focus to new content that replaced what had it (the button that made it is gone, so focus
// fell to <body>): keyboard and screen-reader users go on from there, not from the page's top.
// Focus somewhere else on purpose is left alone.
import { useEffect, type RefObject } from 'react';

export function focusIsLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}

export function useFocusWhenLost(target: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    if (focusIsLost()) target.current?.focus();
  }, [target]);
}
