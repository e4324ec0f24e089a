/**
 * DizhTime's shared design system. The map (Leaflet and h3-js, the heaviest code the apps have)
 * is not exported here: apps load `./MapView.tsx` lazily so it stays out of their first paint.
 */
export { useNow } from "./clock.ts";
export { ConnectionBadge, LiveWaiting } from "./connection.tsx";
export { Badge, type BadgeTone, Button, Card, Field, Figures, Input } from "./controls.tsx";
export { Pager, usePager } from "./pager.tsx";
export { Link, matchPath, RouterProvider, useRouter } from "./router.tsx";
export { EmptyState, ErrorState, Spinner } from "./states.tsx";
export { ToastProvider, useToast } from "./toast.tsx";
