import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  useContext,
  useEffect,
  useState,
} from "react";

type Router = { base: string; path: string; navigate(to: string): void };

const RouterContext = createContext<Router>({ base: "/", path: "/", navigate: () => {} });

/**
 * A small History API router: each app has a handful of flat routes, which a dependency would not
 * make clearer. Paths inside an app are relative to its base ("/restaurant/").
 */
export function RouterProvider({ base, children }: { base: string; children: ReactNode }) {
  const strip = () => `/${location.pathname.slice(base.length).replace(/^\/+/, "")}`;
  const [path, setPath] = useState(strip);
  useEffect(() => {
    const onPop = () => setPath(strip());
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  });
  const navigate = (to: string) => {
    history.pushState(null, "", `${base.replace(/\/$/, "")}${to}`);
    setPath(to.split("?")[0] ?? to);
    scrollTo(0, 0);
  };
  return (
    <RouterContext.Provider value={{ base, path, navigate }}>{children}</RouterContext.Provider>
  );
}

export function useRouter(): Router {
  return useContext(RouterContext);
}

/** Matches "/orders/:id" against the current path; the params, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = have[i]!;
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}

/** A real link (middle-click and screen readers work) that navigates in place. */
export function Link({
  to,
  children,
  ...rest
}: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const router = useRouter();
  const href = `${router.base.replace(/\/$/, "")}${to}`;
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    router.navigate(to);
  };
  const current = to === "/" ? router.path === "/" : router.path.startsWith(to);
  return (
    <a href={href} onClick={onClick} aria-current={current ? "page" : undefined} {...rest}>
      {children}
    </a>
  );
}
