import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { rule } from "./rules.ts";
import { characters, text, textPattern } from "./text.ts";

describe("text", () => {
  it("counts characters, not UTF-16 units, as the API document's lengths do", () => {
    const name = text({ max: 3 });
    expect(name.safeParse("😀😀😀").success).toBe(true);
    expect(name.safeParse("😀😀😀😀").success).toBe(false);
    expect(text({ min: 2, max: 5 }).safeParse("😀").success).toBe(false);
  });

  it("refuses control characters and keeps tabs and line feeds", () => {
    expect(text({ max: 20 }).safeParse("a\u0000b").success).toBe(false);
    expect(text({ max: 20 }).safeParse("a\u007fb").success).toBe(false);
    expect(text({ max: 20 }).safeParse("line one\n\tline two").success).toBe(true);
  });

  it("trims, and counts its minimum on what is left", () => {
    const name = text({ min: 3, max: 20, trim: true });
    expect(name.parse("  a b ")).toBe("a b");
    expect(name.safeParse("  ab  ").success).toBe(false);
    expect(text({ min: 1, max: 5, trim: true }).safeParse("   ").success).toBe(false);
  });

  it("states its limits in the JSON Schema the document is made of", () => {
    expect(z.toJSONSchema(text({ min: 1, max: 80, trim: true }))).toMatchObject({
      type: "string",
      maxLength: 80,
      minLength: 1,
      pattern: textPattern(1).source,
    });
  });

  it("has a pattern that says exactly what it takes, for any string", () => {
    // Written apart from the pattern: C0 controls but tab, line feed and carriage return; DEL.
    const isControl = (c: number) =>
      c <= 8 || c === 11 || c === 12 || (c >= 14 && c <= 31) || c === 127;
    const hasControl = (value: string) => [...value].some((ch) => isControl(ch.codePointAt(0)!));
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("a", " ", "\t", "\u00a0", "\u3000", "\u0000", "😀", "\ufeff"),
        }),
        fc.integer({ min: 0, max: 4 }),
        (value, min) => {
          const expected = !hasControl(value) && characters(value.trim()) >= min;
          expect(textPattern(min).test(value)).toBe(expected);
        },
      ),
    );
  });
});

describe("rule", () => {
  it("marks a refinement as a rule between fields", () => {
    const range = z
      .object({ from: z.number(), to: z.number() })
      .refine((r) => r.to > r.from, rule("to must be after from", ["to"]));
    const issue = range.safeParse({ from: 2, to: 1 }).error?.issues[0];
    expect(issue).toMatchObject({ code: "custom", path: ["to"], params: { rule: true } });
  });
});
