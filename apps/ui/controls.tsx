import { type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, useId } from "react";

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: "primary" | "secondary" | "danger" | "ghost";
  size?: "normal" | "small";
  /** Shows a spinner and disables the button while an action runs. */
  busy?: boolean;
};

/** A native button (keyboard and screen readers get it for free), styled by variant. */
export function Button({
  variant = "primary",
  size = "normal",
  busy = false,
  className,
  children,
  type = "button",
  disabled,
  ...rest
}: ButtonProps) {
  const classes = ["ui-button", `ui-button--${variant}`];
  if (size === "small") classes.push("ui-button--small");
  if (className) classes.push(className);
  return (
    <button
      type={type}
      className={classes.join(" ")}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {children}
    </button>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  hint?: string;
  error?: string | null;
};

/** A labelled input whose hint and error are announced with it (aria-describedby). */
export function Field({ label, hint, error, id, className, ...rest }: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const describedBy = [hint ? `${inputId}-hint` : "", error ? `${inputId}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={`ui-field ${className ?? ""}`}>
      <label htmlFor={inputId}>{label}</label>
      <Input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...rest}
      />
      {hint ? (
        <span className="ui-hint" id={`${inputId}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="ui-error" id={`${inputId}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function Input({ className, ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={`ui-input ${className ?? ""}`} {...rest} />;
}

export function Card({
  children,
  highlight = false,
  as: Tag = "section",
  className,
  ...rest
}: {
  children: ReactNode;
  highlight?: boolean;
  as?: "section" | "article" | "li" | "div";
  className?: string;
  "aria-label"?: string;
  "data-testid"?: string;
}) {
  return (
    <Tag
      className={`ui-card ${highlight ? "ui-card--highlight" : ""} ${className ?? ""}`}
      {...rest}
    >
      {children}
    </Tag>
  );
}

export type BadgeTone = "neutral" | "success" | "warning" | "danger" | "info" | "brand";

export function Badge({ tone = "neutral", children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`ui-badge ui-badge--${tone}`}>{children}</span>;
}

/** Headline figures in a grid of cards: a label and its value each (the admin's reports). */
export function Figures({ figures }: { figures: readonly (readonly [string, string])[] }) {
  return (
    <div className="grid">
      {figures.map(([label, value]) => (
        <Card key={label}>
          <div className="muted">{label}</div>
          <strong style={{ fontSize: 24 }}>{value}</strong>
        </Card>
      ))}
    </div>
  );
}
