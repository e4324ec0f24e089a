import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

type Toast = { id: number; text: string; tone: "info" | "error" };
type Toaster = { show(text: string, tone?: Toast["tone"]): void };

/** How long a toast stays; long enough to read two lines, short enough not to pile up. */
const TOAST_MS = 5_000;
/** At most this many at once: older ones give way. */
const TOASTS_MAX = 3;

const ToastContext = createContext<Toaster>({ show: () => {} });

/** Short messages in a live region, so screen readers announce them without moving focus. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const show = useCallback((text: string, tone: Toast["tone"] = "info") => {
    const id = Date.now() + Math.random();
    setToasts((current) => [...current.slice(-(TOASTS_MAX - 1)), { id, text, tone }]);
    setTimeout(() => setToasts((current) => current.filter((t) => t.id !== id)), TOAST_MS);
  }, []);
  const toaster = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="ui-toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`ui-toast ui-toast--${toast.tone}`}>
            {toast.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Toaster {
  return useContext(ToastContext);
}
