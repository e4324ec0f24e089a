import type { Principal } from "../schema/auth.ts";
import type { EdgeConfig } from "./config.ts";
import type { Db } from "./db.ts";

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
