import { existsSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";

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
