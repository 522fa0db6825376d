// The app's routes and a matcher from a pathname to a route with its parameters.
export type Route =
  | { name: 'home' }
  | { name: 'catalog' }
  | { name: 'topup' }
  | { name: 'account' }
  | { name: 'hire' }
  | { name: 'hire-new' }
  | { name: 'hire-task'; taskId: string }
  | { name: 'docs' }
  | { name: 'not-found' };

export const paths = {
  home: '/',
  catalog: '/catalog',
  topup: '/topup',
  account: '/account',
  hire: '/hire',
  hireNew: '/hire/new',
  hireTask: (id: string | number): string => `/hire/tasks/${encodeURIComponent(String(id))}`,
  docs: '/docs',
} as const;

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function matchRoute(pathname: string): Route {
  const clean = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  switch (clean) {
    case '/':
      return { name: 'home' };
    case '/catalog':
      return { name: 'catalog' };
    case '/topup':
      return { name: 'topup' };
    case '/account':
      return { name: 'account' };
    case '/hire':
      return { name: 'hire' };
    case '/hire/new':
      return { name: 'hire-new' };
    case '/docs':
      return { name: 'docs' };
  }
  const task = /^\/hire\/tasks\/([^/]+)$/.exec(clean);
  const taskId = task?.[1] ? decode(task[1]) : null;
  return taskId ? { name: 'hire-task', taskId } : { name: 'not-found' };
}
