// Page frame: skip link, header with navigation, the token reveals, main content, footer.
import { useEffect, useRef, type ReactNode } from 'react';
import { paths } from '../router/routes';
import { Link } from '../router/Link';
import { api } from '../api/client';
import { useAsync } from '../hooks/useAsync';
import { usePolling } from '../hooks/usePolling';
import { BALANCE_REFRESH_MS } from '../lib/refresh';
import { useToken } from '../state/useToken';
import { HeaderAccount } from './HeaderAccount';
import { TokenReveals } from './TokenReveals';

const NAV = [
  { to: paths.catalog, label: 'Catalog' },
  { to: paths.topup, label: 'Top up' },
  { to: paths.hire, label: 'AI for Hire' },
  { to: paths.docs, label: 'Docs' },
];

export function Layout({ children, pathname }: { children: ReactNode; pathname: string }) {
  const { token } = useToken();
  // the header's balance, read again on every page change and now and then; between reads any
  // answer naming it (a paid call, a withdrawal, a claim) updates it at once through the balance store
  const { reload } = useAsync((signal) => api.getBalance(token ?? '', signal), token ? `${token}:${pathname}` : null);
  usePolling(reload, BALANCE_REFRESH_MS, token !== null);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // after an in-app navigation, start reading at the new page, as a page load would
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    mainRef.current?.focus({ preventScroll: true });
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to={paths.home} className="brand">
            <span className="brand-mark" aria-hidden="true">⚡</span> alittlebitofmoney
          </Link>
          <nav aria-label="Main" className="nav">
            {NAV.map((item) => (
              <Link key={item.to} to={item.to} nav>
                {item.label}
              </Link>
            ))}
          </nav>
          <HeaderAccount token={token} />
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="container main">
        <TokenReveals />
        {children}
      </main>
      <footer className="site-footer">
        <div className="container row">
          <span className="muted small">Pay per request with Lightning. No accounts, no cards.</span>
          <a href="/api/v1/openapi.json" className="small">
            OpenAPI
          </a>
          <a href="/api/v1/catalog" className="small">
            Catalog JSON
          </a>
        </div>
      </footer>
    </>
  );
}
