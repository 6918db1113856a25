// The page's own routes under /dashboard: links change the address without reloading the page.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'courses' }
  | { page: 'course'; slug: string }
  | { page: 'session'; id: string }
  | { page: 'room'; roomId: string };

export function parseRoute(pathname: string): Route {
  const [, kind, value] = /^\/dashboard(?:\/(courses|sessions|rooms)\/([^/]+))?\/?$/.exec(pathname) ?? [];
  if (!kind || !value) return { page: 'courses' };
  const decoded = decodeURIComponent(value);
  if (kind === 'courses') return { page: 'course', slug: decoded };
  if (kind === 'sessions') return { page: 'session', id: decoded };
  return { page: 'room', roomId: decoded };
}

export const hrefOf = {
  courses: () => '/dashboard',
  course: (slug: string) => `/dashboard/courses/${encodeURIComponent(slug)}`,
  session: (id: string) => `/dashboard/sessions/${encodeURIComponent(id)}`,
};

export function navigate(href: string): void {
  history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** A click on a same-page link: handled here unless the teacher asked for a new tab. */
export function onLinkClick(event: MouseEvent): void {
  const link = (event.target as Element).closest('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  if (link.origin !== location.origin || !link.pathname.startsWith('/dashboard') || link.hasAttribute('download'))
    return;
  event.preventDefault();
  navigate(link.pathname);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}
