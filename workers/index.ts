import { sweepExpiredHolds } from "../ledger/sweeper.ts";
import { readConfig } from "../runtime/config.ts";
import { openDb } from "../runtime/db.ts";
import { logLine } from "../runtime/log.ts";
import { app } from "./app.ts";
import { appShellPath } from "./assets.ts";

export { DriverActor } from "../durable-objects/driver/actor.ts";
export { OrderActor } from "../durable-objects/order/actor.ts";
export { RateLimiter } from "../durable-objects/rate-limiter/actor.ts";
export { RestaurantActor } from "../durable-objects/restaurant/actor.ts";
export { ZoneActor } from "../durable-objects/zone/actor.ts";

/** The apps' static files (wrangler.toml's [assets]); absent where no assets are configured. */
type WithAssets = Env & { ASSETS?: Fetcher };

export default {
  fetch(request, env, ctx) {
    // A page of an app that is not a file (a deep link like /restaurant/menu) gets its app's
    // index.html, and the app's router shows the page.
    const shell = env.ASSETS ? appShellPath(request) : null;
    if (shell && env.ASSETS) return env.ASSETS.fetch(new URL(shell, request.url));
    return app.fetch(request, env, ctx);
  },

  /**
   * The cron (wrangler.toml's [triggers], every minute): the ledger's timeout sweep. The time is
   * the platform's scheduled time, not the clock, so a late or replayed run voids exactly what
   * had timed out by then.
   */
  async scheduled(controller, env) {
    const config = readConfig(env);
    const { db, close } = openDb({ databaseUrl: config.databaseUrl, wsProxy: config.dbWsProxy });
    try {
      const voided = await sweepExpiredHolds(db, controller.scheduledTime);
      if (voided > 0) logLine("info", "ledger sweep", { voided });
    } finally {
      await close();
    }
  },
} satisfies ExportedHandler<WithAssets>;
