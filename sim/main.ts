import { runCity } from "./city.ts";
import { parseSimArgs, SIM_USAGE } from "./config.ts";

/**
 * The demo city simulator against any running DizhTime: `npm run sim -- --base-url URL`.
 * `npm start` runs it for you (`--no-sim` turns it off). One JSON line per notable event on
 * stdout; Ctrl-C (or SIGTERM) stops it gracefully: couriers sign off, sockets close.
 */
const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log(SIM_USAGE);
  process.exit(0);
}
const parsed = parseSimArgs(args, Date.now() % 2 ** 31);
if (!parsed.ok) {
  console.error(`${parsed.message}\n\n${SIM_USAGE}`);
  process.exit(2);
}

const city = runCity(parsed.config, (event, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...fields })}\n`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void city.stop();
  });
}
// Nothing here may bring the platform down: an error that escapes an actor is logged, not fatal.
process.on("unhandledRejection", (error) => {
  process.stdout.write(
    `${JSON.stringify({ at: new Date().toISOString(), event: "unhandled_error", error: String(error) })}\n`,
  );
});
await city.done;
process.exit(0);
