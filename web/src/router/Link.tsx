// <a> that navigates inside the app without a page load; modified clicks behave as normal links.
import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { isPlainClick, navigate } from './history';
import { useLocation } from './useLocation';

interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  to: string;
  /** marks the link aria-current="page" when the path starts with `to` (or equals it for "/") */
  nav?: boolean;
}

export function Link({ to, nav, onClick, children, ...rest }: LinkProps) {
  const { pathname } = useLocation();
  const active = nav && (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`));
  const handleClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (!isPlainClick(e) || rest.target === '_blank') return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handleClick} aria-current={active ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}
