import { z } from "zod";

/**
 * The edge's measurements, as the Worker and the actors send them to the bridge, which serves
 * them to Prometheus beside its own (infra/bridge/edge-metrics.ts): an isolate cannot be scraped,
 * so each one sums what it saw and ships the sums every few seconds, signed like an outbox batch.
 */

/** Upper bounds (seconds) of the duration histograms' buckets, shared by the edge and the bridge. */
export const DURATION_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** Counts per bucket (not cumulative; the last is above every bound), their sum and count. */
export const DurationSums = z.object({
  buckets: z.array(z.number().int().min(0)).length(DURATION_BUCKETS_SECONDS.length + 1),
  sumSeconds: z.number().min(0),
  count: z.number().int().min(0),
});
export type DurationSums = z.infer<typeof DurationSums>;

export const ACTOR_KINDS = ["OrderActor", "RestaurantActor", "DriverActor", "ZoneActor"] as const;
export const TelemetryActorKind = z.enum([...ACTOR_KINDS, "RateLimiter"]);

/** The methods a request is counted under. */
export const TelemetryMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/** A label value we made (a route pattern, a method name): short and plain, never input. */
const Label = z.string().regex(/^[A-Za-z0-9_/:{}.*-]{1,120}$/);

export const TelemetryBatch = z.object({
  source: z.string().min(1).max(120),
  requests: z
    .array(
      z.object({
        route: Label,
        method: TelemetryMethod,
        status: z.number().int().min(100).max(599),
        durations: DurationSums,
      }),
    )
    .max(1_000),
  actorCalls: z
    .array(
      z.object({
        kind: TelemetryActorKind,
        operation: Label,
        outcome: z.enum(["ok", "error"]),
        durations: DurationSums,
      }),
    )
    .max(1_000),
  /** What each actor's outbox held at its last flush: reported while it holds anything, then 0. */
  outboxes: z
    .array(
      z.object({
        kind: TelemetryActorKind,
        actor: z.string().min(1).max(80),
        pending: z.number().int().min(0),
        oldestAgeSeconds: z.number().min(0),
      }),
    )
    .max(1_000),
});
export type TelemetryBatch = z.infer<typeof TelemetryBatch>;
