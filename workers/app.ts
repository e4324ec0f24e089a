import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { generateSpecs } from "hono-openapi";
import { SIGNATURE_HEADER } from "../ledger/card-processor/signature.ts";
import { readConfig } from "../runtime/config.ts";
import { type Db, openDb } from "../runtime/db.ts";
import { CodedError } from "../runtime/errors.ts";
import { traceparentFrom } from "../runtime/trace.ts";
import type { AppEnv } from "./app-env.ts";
import { errorBody, onError } from "./errors.ts";
import { completeDocument } from "./openapi.ts";
import { adminRoutes } from "./routes/admin.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { authRoutes } from "./routes/auth.ts";
import { driverRoutes } from "./routes/drivers.ts";
import { ledgerRoutes } from "./routes/ledger.ts";
import { liveRoutes } from "./routes/live.ts";
import { orderRoutes } from "./routes/orders.ts";
import { paymentRoutes } from "./routes/payments.ts";
import { restaurantRoutes } from "./routes/restaurants.ts";
import { searchRoutes } from "./routes/search.ts";
import { walletRoutes } from "./routes/wallet.ts";
import { requestTelemetry } from "./telemetry.ts";
import { isJson } from "./validate.ts";

/** The largest request body any route takes; the biggest is a full menu item with its groups. */
export const REQUEST_BODY_BYTES_MAX = 64 * 1024;

const api = new Hono<AppEnv>()
  .route("/", authRoutes)
  .route("/", restaurantRoutes)
  .route("/", searchRoutes)
  .route("/", analyticsRoutes)
  .route("/", orderRoutes)
  .route("/", liveRoutes)
  .route("/", driverRoutes)
  .route("/", adminRoutes)
  .route("/", walletRoutes)
  .route("/", paymentRoutes)
  .route("/", ledgerRoutes);

export const app = new Hono<AppEnv>();

app.use("*", async (c, next) => {
  c.set("config", readConfig(c.env));
  await next();
});
app.use("*", requestTelemetry());
app.use("*", async (c, next) => {
  const traceparent = traceparentFrom(c.req.header("traceparent"));
  c.set("traceparent", traceparent);
  let opened: ReturnType<typeof openDb> | undefined;
  c.set("db", (): Db => {
    opened ??= openDb({ databaseUrl: c.var.config.databaseUrl, wsProxy: c.var.config.dbWsProxy });
    return opened.db;
  });
  try {
    await next();
  } finally {
    if (opened) c.executionCtx.waitUntil(opened.close());
  }
  c.header("traceparent", traceparent);
});

// The API answers JSON to the apps on its own origin: nothing may frame it, sniff it or load it
// as a page's resource, it is reached over HTTPS only, and no other origin may read it (no CORS
// grant: the apps are served from the same origin).
app.use(
  "/api/*",
  secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: "max-age=31536000; includeSubDomains",
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
    crossOriginResourcePolicy: "same-origin",
  }),
);
app.use(
  "/api/*",
  cors({
    origin: (origin, c) => (origin === new URL(c.req.url).origin ? origin : null),
    credentials: false,
  }),
);

app.use(
  "/api/*",
  bodyLimit({
    maxSize: REQUEST_BODY_BYTES_MAX,
    onError: () => {
      throw new CodedError(
        "request.too_large",
        `request bodies are limited to ${REQUEST_BODY_BYTES_MAX} bytes`,
      );
    },
  }),
);

app.use("/api/*", async (c, next) => {
  const hasBody =
    c.req.header("content-length") !== undefined && c.req.header("content-length") !== "0";
  if (hasBody || c.req.header("transfer-encoding")) {
    if (!isJson(c.req.header("content-type"))) {
      throw new CodedError(
        "request.unsupported_media_type",
        "send request bodies as application/json",
      );
    }
  }
  await next();
});

app.get("/api/health", (c) => c.json({ ok: true }));
app.route("/api", api);
const DOCUMENTATION = {
  info: {
    title: "DizhTime API",
    version: "1",
    description:
      "The edge gateway of DizhTime. Errors are always { error: { code, message, details } }; codes are stable. 400 means a request is not what this document describes; 422 means it is, but breaks a rule stated in words (between fields, or of the object's state). Live feeds are WebSockets at /api/live/{kind}/{id}?ticket=, opened with a ticket from POST /api/live/tickets.",
  },
  servers: [{ url: "/" }],
  components: {
    securitySchemes: {
      bearer: { type: "http" as const, scheme: "bearer", bearerFormat: "JWT" },
      // The payment provider's webhook: an HMAC of the body, "t=<unix s>,v1=<hex>".
      webhookSignature: { type: "apiKey" as const, in: "header" as const, name: SIGNATURE_HEADER },
    },
  },
};
let apiDocument: Promise<unknown> | undefined;
app.get("/api/docs", async (c) => {
  apiDocument ??= generateSpecs(app, { documentation: DOCUMENTATION }, c)
    .then(completeDocument)
    .catch((error: unknown) => {
      apiDocument = undefined;
      throw error;
    });
  return c.json(await apiDocument);
});
app.notFound((c) => {
  const allowed = methodsFor(c.req.path);
  if (allowed.length > 0) {
    c.header("allow", allowed.join(", "));
    return c.json(
      errorBody("method_not_allowed", `${c.req.path} answers ${allowed.join(", ")}`),
      405,
    );
  }
  return c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);
});

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The methods some route (not a middleware) answers at `path` (RFC 9110 15.5.6: Allow). */
function methodsFor(path: string): string[] {
  const routes = new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => r.handler));
  return METHODS.filter((method) => {
    const lookup = method === "HEAD" ? "GET" : method;
    const [matched] = app.router.match(lookup, path);
    return matched.some(([[handler]]) => routes.has(handler));
  });
}
app.onError(onError);
