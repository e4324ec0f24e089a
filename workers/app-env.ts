import type { EdgeConfig } from "../runtime/config.ts";
import type { Db } from "../runtime/db.ts";
import type { Principal } from "../schema/auth.ts";

/** What every route can reach on its context: bindings, configuration and per-request state. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    config: EdgeConfig;
    traceparent: string;
    /** Opens this request's database pool on first use; the gateway closes it after the response. */
    db: () => Db;
    /** Set by `requireAuth`. */
    principal: Principal;
  };
};
