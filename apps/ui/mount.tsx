import { type ComponentType, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryProvider } from "./query.tsx";
import { RouterProvider } from "./router.tsx";
import { ToastProvider } from "./toast.tsx";

/** Starts an app at its base path, inside the providers every app shares. */
export function mountApp(base: string, App: ComponentType): void {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <RouterProvider base={base}>
        <QueryProvider>
          <ToastProvider>
            <App />
          </ToastProvider>
        </QueryProvider>
      </RouterProvider>
    </StrictMode>,
  );
}
