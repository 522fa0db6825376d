// Picks the page for the current path; every page but Home loads on first visit.
import { lazy, Suspense } from 'react';
import { Layout } from './components/Layout';
import { Skeleton } from './components/Skeleton';
import { HomePage } from './pages/home/HomePage';
import { matchRoute } from './router/routes';
import { useLocation } from './router/useLocation';

const CatalogPage = lazy(() => import('./pages/catalog/CatalogPage').then((m) => ({ default: m.CatalogPage })));
const TopupPage = lazy(() => import('./pages/topup/TopupPage').then((m) => ({ default: m.TopupPage })));
const AccountPage = lazy(() => import('./pages/account/AccountPage').then((m) => ({ default: m.AccountPage })));
const HireListPage = lazy(() => import('./pages/hire/HireListPage').then((m) => ({ default: m.HireListPage })));
const PostTaskPage = lazy(() => import('./pages/hire/PostTaskPage').then((m) => ({ default: m.PostTaskPage })));
const TaskPage = lazy(() => import('./pages/hire/TaskPage').then((m) => ({ default: m.TaskPage })));
const DocsPage = lazy(() => import('./pages/docs/DocsPage').then((m) => ({ default: m.DocsPage })));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage').then((m) => ({ default: m.NotFoundPage })));

function Page() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'catalog':
      return <CatalogPage />;
    case 'topup':
      return <TopupPage />;
    case 'account':
      return <AccountPage />;
    case 'hire':
      return <HireListPage />;
    case 'hire-new':
      return <PostTaskPage />;
    case 'hire-task':
      return <TaskPage taskId={route.taskId} />;
    case 'docs':
      return <DocsPage />;
    case 'not-found':
      return <NotFoundPage />;
  }
}

export function App() {
  const { pathname } = useLocation();
  return (
    <Layout pathname={pathname}>
      <Suspense fallback={<Skeleton lines={6} label="Loading the page…" />}>
        <Page />
      </Suspense>
    </Layout>
  );
}
