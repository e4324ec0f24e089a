import { describe, expect, it } from "vitest";
import { ErrorBody } from "../../schema/errors.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import {
  batchBody,
  deliveredOrder,
  rawEvent,
  SECRET,
  signedPost,
} from "../../test/bridge/fixtures.ts";
import { type BatchLog, type BridgeDeps, createBridgeApp } from "./app.ts";
import type { EventBus, PublishReceipt } from "./bus.ts";

/**
 * The app over a bus and a readiness check that do as told: the failures a real database makes
 * hard to stage on demand (one that never answers). The real HTTP path is in server.test.ts.
 */
function makeApp(
  publish: (events: readonly EventEnvelope[]) => Promise<PublishReceipt>,
  overrides: Partial<BridgeDeps> = {},
) {
  const published: string[][] = [];
  const batches: BatchLog[] = [];
  const bus: EventBus = {
    publish: (events) => {
      published.push(events.map((e) => e.id));
      return publish(events);
    },
    subscribe: () => {},
    close: async () => {},
  };
  const app = createBridgeApp({
    bus,
    secret: SECRET,
    ready: async () => {},
    nowMs: Date.now,
    onBatch: (entry) => batches.push(entry),
    limits: { readyTimeoutMs: 50, publishTimeoutMs: 50 },
    ...overrides,
  });
  return { app, published, batches };
}

const never = () => new Promise<never>(() => {});

async function postBatch(app: ReturnType<typeof makeApp>["app"], events: EventEnvelope[]) {
  return app.request("/v1/events", await signedPost(batchBody(events)));
}

describe("createBridgeApp", () => {
  it("publishes the batch in order and acknowledges every id, reporting dead letters", async () => {
    const events = [...deliveredOrder().slice(0, 2), rawEvent({ type: "OrderTeleported" })];
    const { app, published, batches } = makeApp(async () => ({ deadLettered: [events[2]!.id] }));

    const response = await postBatch(app, events);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: events.map((e) => e.id) });
    expect(published).toEqual([events.map((e) => e.id)]);
    expect(batches).toEqual([
      {
        outcome: "accepted",
        source: "order:test",
        count: 3,
        deadLettered: 1,
        durationMs: expect.any(Number),
        traceIds: ["0af7651916cd43dd8448eb211c80319c"],
      },
    ]);
  });

  it("answers 503 and acknowledges nothing when the bus fails", async () => {
    const { app, batches } = makeApp(async () => {
      throw new Error("connection refused");
    });

    const response = await postBatch(app, deliveredOrder());

    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).not.toHaveProperty("accepted");
    expect(ErrorBody.parse(body).error.code).toBe("unavailable");
    expect(batches).toMatchObject([{ outcome: "unavailable", error: "connection refused" }]);
  });

  it("answers 503 when the bus does not answer in time, rather than hanging", async () => {
    const { app, batches } = makeApp(never);

    const response = await postBatch(app, deliveredOrder());

    expect(response.status).toBe(503);
    expect(batches).toMatchObject([
      { outcome: "unavailable", error: "publishing the batch: no answer within 50 ms" },
    ]);
  });

  it("publishes nothing from a request it refuses", async () => {
    const { app, published } = makeApp(async () => ({ deadLettered: [] }));

    const unsigned = await app.request(
      "/v1/events",
      await signedPost(batchBody(deliveredOrder()), { signature: null }),
    );
    const invalid = await app.request("/v1/events", await signedPost('{"source":"x"}'));

    expect([unsigned.status, invalid.status]).toEqual([401, 400]);
    expect(published).toEqual([]);
  });

  it("says it is not ready when the readiness check fails or does not answer in time", async () => {
    const failing = makeApp(never, {
      ready: async () => {
        throw new Error("connection refused");
      },
    }).app;
    const silent = makeApp(never, { ready: never }).app;

    for (const app of [failing, silent]) {
      const response = await app.request("/readyz");
      expect(response.status).toBe(503);
      expect(ErrorBody.parse(await response.json()).error.code).toBe("unavailable");
    }
  });
});
