/** The apps served under their own prefix; everything else that is a page is the customer app. */
const APP_PREFIXES = ["restaurant", "driver", "admin"] as const;

/**
 * Which app page answers `request`, as a path to its index.html, or null when the request is not
 * a page of an app (the API, or anything not fetched with GET or HEAD).
 */
export function appShellPath(request: Request): string | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const { pathname } = new URL(request.url);
  if (pathname === "/api" || pathname.startsWith("/api/")) return null;
  // A missing file (an old bundle's chunk) is a 404, not a page: the browser expects script.
  if (/\.[a-z0-9]+$/i.test(pathname)) return null;
  const first = pathname.split("/")[1] ?? "";
  const prefix = APP_PREFIXES.find((name) => name === first);
  return prefix ? `/${prefix}/index.html` : "/index.html";
}
