import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";

/** Debian's chromium, installed by .ci/run; playwright-core never downloads a browser of its own. */
export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  // The kitchen's new-ticket chime plays without a click first, as it would on a kiosk.
  "--autoplay-policy=no-user-gesture-required",
];
/** Where the journeys leave their screenshots: CI keeps them as artifacts. */
export const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-results/screenshots");

/** True where chromium is not installed; in CI that fails the file instead of skipping it. */
export const browserMissing = !existsSync(CHROMIUM);
if (browserMissing && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium for this test`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** axe-core's source, injected into a page as a script: the checker runs where the DOM is. */
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);
/** The impacts that fail a page: axe's serious and critical findings block people outright. */
const BLOCKING_IMPACTS = new Set(["serious", "critical"]);

/**
 * The page's serious and critical accessibility violations by axe-core (WCAG A and AA rules and
 * best practices), one readable line each, e.g. "serious color-contrast: .badge | .pin"; an
 * empty list when there are none.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in globalThis))) {
    // Evaluated, not added as a script tag: the pages' CSP (script-src 'self') rightly refuses
    // inline scripts, and evaluation through the browser's protocol is not a page script.
    await page.evaluate(AXE_SOURCE);
  }
  const violations = await page.evaluate(async () => {
    // Typed by hand: this runs in the page, and the Node project has no DOM types.
    const { axe, document } = globalThis as unknown as {
      document: unknown;
      axe: {
        run(
          context: unknown,
          options: unknown,
        ): Promise<{
          violations: Array<{
            id: string;
            impact: string | null;
            help: string;
            nodes: Array<{ target: unknown[] }>;
          }>;
        }>;
      };
    };
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(" ")),
    }));
  });
  return violations
    .filter((v) => BLOCKING_IMPACTS.has(v.impact))
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(" | ")}`);
}

/**
 * Presses Tab (Shift+Tab `backwards`) until `target` has the keyboard focus, at most `pressesMax`
 * times: proof that a person without a mouse reaches it, in the page's own tab order. Answers the presses it took;
 * throws when it was never reached.
 */
type HTMLElementLike = {
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  focus(): void;
};

export async function tabTo(
  page: Page,
  target: Locator,
  {
    backwards = false,
    pressesMax = 60,
    fromTop = false,
  }: { backwards?: boolean; pressesMax?: number; fromTop?: boolean } = {},
): Promise<number> {
  const handle = await target.elementHandle();
  if (!handle) throw new Error("tabTo: the target is not on the page");
  if (fromTop) {
    // Where a person arriving at the page starts: Tab goes on from wherever focus last was, and
    // a live page (the city map's markers and rows) can hold more stops than a walk should take.
    await page.evaluate(() => {
      const body = (globalThis as unknown as { document: { body: HTMLElementLike } }).document.body;
      body.setAttribute("tabindex", "-1");
      body.focus();
      body.removeAttribute("tabindex");
    });
  }
  for (let presses = 1; presses <= pressesMax; presses++) {
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    const focused = await handle.evaluate(
      (element) =>
        element ===
        (element as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument
          .activeElement,
    );
    if (focused) {
      return presses;
    }
  }
  throw new Error(`tabTo: not reached in ${pressesMax} presses of Tab`);
}

/** Whether the focused element shows where the focus is (an outline drawn by :focus-visible). */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as {
      document: { activeElement: unknown; body: unknown };
      getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string };
    };
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    return style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0;
  });
}
