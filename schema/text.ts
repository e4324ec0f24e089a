import { z } from "zod";

/**
 * Text as people type it, checked the way the OpenAPI document states it, so a client (or a
 * property-based tester) that follows the document is never refused and one that strays is:
 * - lengths count characters (code points), as JSON Schema's minLength and maxLength do, not
 *   JavaScript's UTF-16 units (an emoji is one character, not two);
 * - control characters are refused (NUL breaks PostgreSQL's text; the rest have no place in a
 *   name or a note), except tab, line feed and carriage return;
 * - `trim` drops surrounding spaces before the value is used; `min` then counts what is left,
 *   which the document states as a pattern (a JSON Schema length cannot say "after trimming").
 *   `max` counts the text as sent.
 */
export function text(limits: { max: number; min?: number; trim?: boolean }) {
  const min = limits.min ?? 0;
  const trim = limits.trim ?? false;
  const pattern = textPattern(trim ? min : 0);
  let schema = z
    .string()
    .regex(pattern, "control characters are not allowed")
    .refine((value) => characters(value) <= limits.max, {
      message: `at most ${limits.max} characters`,
    });
  if (!trim && min > 0) {
    schema = schema.refine((value) => characters(value) >= min, {
      message: `at least ${min} characters`,
    });
  }
  const described = schema.meta({
    maxLength: limits.max,
    ...(min > 0 ? { minLength: min } : {}),
    ...(trim && min > 0 ? { description: `${min}+ characters besides surrounding spaces` } : {}),
  });
  return trim ? described.trim() : described;
}

/** Characters (code points), as JSON Schema counts a string's length. */
export function characters(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

// Written with \uXXXX escapes only, so the same pattern means the same in JavaScript (with the
// u flag) and in the document's readers (Python's re, for one).
const CONTROL = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f";
/** One control character, as every validator refuses it anywhere in a request. */
export const CONTROL_CHARACTER = new RegExp(`[${CONTROL}]`, "u");
/** What String.prototype.trim removes: WhiteSpace and LineTerminator of ECMA-262. */
const SPACE =
  "\\u0009-\\u000d\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

/** No control character, and at least `min` characters from the first non-space to the last. */
export function textPattern(min: number): RegExp {
  const any = `[^${CONTROL}]`;
  const solid = `[^${CONTROL}${SPACE}]`;
  if (min <= 0) return new RegExp(`^${any}*$`, "u");
  if (min === 1) return new RegExp(`^${any}*${solid}${any}*$`, "u");
  return new RegExp(`^${any}*${solid}${any}{${min - 2},}${solid}${any}*$`, "u");
}
