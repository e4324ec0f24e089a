import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { describeError } from "../../runtime/redact.ts";
import { traceIdsOf } from "../../runtime/trace.ts";
import type { SystemHealth } from "../../schema/admin.ts";
import {
  type ErrorBody,
  type ErrorCode,
  errorStatus,
  type FailureDetails,
} from "../../schema/errors.ts";
import {
  type OutboxAck,
  OutboxBatch,
  SIGNATURE_HEADER,
  type SignatureCheck,
  verifyBody,
} from "../../schema/outbox.ts";
import { TelemetryBatch } from "../../schema/telemetry.ts";
import type { EventBus } from "./bus.ts";

/**
 * A batch is at most OUTBOX_BATCH_MAX (100) events of a few KB each; 1 MiB leaves room for fat
 * events while bounding the memory one request can hold before its signature is even checked.
 */
export const EVENT_BODY_BYTES_MAX = 1024 * 1024;

/**
 * A readiness probe that waits longer than this answers "not ready": a database that takes
 * seconds to say `select 1` is not one to send traffic to, and the probe must not hang.
 */
export const READY_TIMEOUT_MS = 2_000;

/**
 * A batch not made durable within this answers 503. It sits under the outbox sender's 10 s
 * timeout, so the actor hears a clean "retry later" instead of timing out, and requests cannot
 * pile up behind a database that accepts connections but never answers. Work still running when
 * the answer goes out may yet land; that is safe, because every consumer is idempotent.
 */
export const PUBLISH_TIMEOUT_MS = 8_000;

/**
 * One line per batch, for the operator: what came in, how long it took, what was set aside, and
 * the trace ids of its events (a few at most; see trace.ts) to follow it across services.
 */
export type BatchLog =
  | {
      outcome: "accepted";
      source: string;
      count: number;
      deadLettered: number;
      durationMs: number;
      traceIds: string[];
    }
  | {
      outcome: "unavailable";
      source: string;
      count: number;
      durationMs: number;
      error: string;
      traceIds: string[];
    };

export type BridgeDeps = {
  bus: EventBus;
  /** The HMAC secret shared with the actors' outboxes. */
  secret: string;
  /** Resolves when the bridge can apply events (the database answers); rejects otherwise. */
  ready(): Promise<void>;
  /** Wall-clock milliseconds: signature freshness is judged by the bridge's own clock. */
  nowMs(): number;
  onBatch?(entry: BatchLog): void;
  /** Takes the edge's measurements (POST /v1/telemetry, signed like a batch) when given. */
  telemetry?: (batch: TelemetryBatch) => void;
  /** Serves GET /v1/system (the admin System page's figures) when given. */
  system?: () => Promise<SystemHealth>;
  /** Serves GET /metrics (Prometheus text) when given. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Overrides of the time limits above (tests shorten them). */
  limits?: { readyTimeoutMs?: number; publishTimeoutMs?: number };
};

const signatureRefusal: Record<Exclude<SignatureCheck, "valid">, [ErrorCode, string]> = {
  malformed: ["auth.unauthenticated", `missing or malformed ${SIGNATURE_HEADER} header`],
  expired: ["auth.token_expired", "the signature is too old (or from the future); sign again"],
  mismatch: ["auth.token_invalid", "the signature does not match the body"],
};

function refuse(c: Context, code: ErrorCode, message: string, details?: FailureDetails) {
  const body: ErrorBody = {
    error: details === undefined ? { code, message } : { code, message, details },
  };
  return c.json(body, errorStatus[code] as ContentfulStatusCode);
}

function messageOf(error: unknown): string {
  return describeError(error);
}

/** `work`, or a rejection naming `what` once `timeoutMs` has passed without an answer. */
async function within<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The bridge's HTTP face: signed event batches in, acknowledgements out, and the two probes.
 * Checks run cheapest first (size, signature, JSON, schema), so an unsigned request costs no
 * parsing and nothing unverified reaches the bus.
 */
export function createBridgeApp(deps: BridgeDeps): Hono {
  const app = new Hono();
  const readyTimeoutMs = deps.limits?.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const publishTimeoutMs = deps.limits?.publishTimeoutMs ?? PUBLISH_TIMEOUT_MS;

  // The rest of an oversized body is never read, so this connection cannot carry another request:
  // say so, or a keep-alive client sends its next request into a socket about to be cut.
  const signedBodyLimit = bodyLimit({
    maxSize: EVENT_BODY_BYTES_MAX,
    onError: (c) => {
      c.header("connection", "close");
      return refuse(
        c,
        "request.too_large",
        `the body is larger than ${EVENT_BODY_BYTES_MAX} bytes`,
        {
          limitBytes: EVENT_BODY_BYTES_MAX,
        },
      );
    },
  });

  /** A signed body, checked cheapest first: signature, JSON, then its schema. */
  async function readSigned<T>(
    c: Context,
    schema: z.ZodType<T>,
    what: string,
    nowMs: number,
  ): Promise<{ ok: true; value: T } | { ok: false; refusal: Response }> {
    const raw = await c.req.text();
    const check = await verifyBody(deps.secret, raw, c.req.header(SIGNATURE_HEADER), nowMs);
    if (check !== "valid") return { ok: false, refusal: refuse(c, ...signatureRefusal[check]) };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return {
        ok: false,
        refusal: refuse(c, "request.malformed_json", "the body is not valid JSON"),
      };
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, value: parsed.data };
    return {
      ok: false,
      refusal: refuse(c, "request.invalid", `the body is not ${what}`, {
        issues: parsed.error.issues.slice(0, 20).map((issue) => ({
          path: issue.path.join("."),
          message: issue.message,
        })),
      }),
    };
  }

  app.get("/healthz", (c) => c.json({ ok: true }));

  const metrics = deps.metrics;
  if (metrics) {
    app.get("/metrics", async (c) => {
      const { contentType, body } = await metrics();
      return c.body(body, 200, { "content-type": contentType });
    });
  }

  const system = deps.system;
  if (system) app.get("/v1/system", async (c) => c.json(await system()));

  app.get("/readyz", async (c) => {
    try {
      await within(deps.ready(), readyTimeoutMs, "readiness check");
      return c.json({ ok: true });
    } catch (error) {
      return refuse(c, "unavailable", "the bridge cannot reach its database or Kafka", {
        reason: messageOf(error),
      });
    }
  });

  app.post("/v1/events", signedBodyLimit, async (c) => {
    const startedMs = deps.nowMs();
    const read = await readSigned(c, OutboxBatch, "an outbox batch", startedMs);
    if (!read.ok) return read.refusal;
    const batch = read.value;

    let deadLettered: string[];
    try {
      ({ deadLettered } = await within(
        deps.bus.publish(batch.events),
        publishTimeoutMs,
        "publishing the batch",
      ));
    } catch (error) {
      deps.onBatch?.({
        outcome: "unavailable",
        source: batch.source,
        count: batch.events.length,
        durationMs: deps.nowMs() - startedMs,
        error: messageOf(error),
        traceIds: traceIdsOf(batch.events),
      });
      // Nothing is acknowledged: the actor keeps the whole batch and retries with backoff.
      return refuse(c, "unavailable", "events could not be stored; retry later");
    }
    deps.onBatch?.({
      outcome: "accepted",
      source: batch.source,
      count: batch.events.length,
      deadLettered: deadLettered.length,
      durationMs: deps.nowMs() - startedMs,
      traceIds: traceIdsOf(batch.events),
    });
    // Dead-lettered events are acknowledged too: they are durable in dead_letters, and holding
    // them back would only have the actor resend a poison event forever.
    const ack: OutboxAck = { accepted: batch.events.map((event) => event.id) };
    return c.json(ack, 200);
  });

  const telemetry = deps.telemetry;
  if (telemetry) {
    app.post("/v1/telemetry", signedBodyLimit, async (c) => {
      const read = await readSigned(c, TelemetryBatch, "a telemetry batch", deps.nowMs());
      if (!read.ok) return read.refusal;
      telemetry(read.value);
      return c.body(null, 204);
    });
  }

  app.notFound((c) => refuse(c, "not_found", `no route for ${c.req.method} ${c.req.path}`));

  app.onError((error, c) => {
    console.error(
      JSON.stringify({ msg: "bridge.unhandled", path: c.req.path, error: messageOf(error) }),
    );
    return refuse(c, "internal", "something went wrong on our side");
  });

  return app;
}
