import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "../../ui/tokens.css";
import { RouterProvider, ToastProvider } from "../../ui/index.ts";
import { App } from "./App.tsx";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <RouterProvider base="/restaurant/">
      <ToastProvider>
        <App />
      </ToastProvider>
    </RouterProvider>
  </StrictMode>,
);
