import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "../../runtime/db.ts";
import { ErrorBody } from "../../schema/errors.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import {
  OutboxAck,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_MS,
  signBody,
} from "../../schema/outbox.ts";
import {
  batchBody,
  deadLetter,
  deliveredOrder,
  historyRow,
  orderEvent,
  rawEvent,
  SECRET,
  signedPost,
} from "../../test/bridge/fixtures.ts";
import { startTestDatabase } from "../../test/bridge/search.ts";
import type { LocalDatabase } from "../local/database.ts";
import type { BatchLog } from "./app.ts";
import { type Bridge, startBridge } from "./server.ts";

let database: LocalDatabase;
let reader: ReturnType<typeof openDb>;
let db: Db;
let bridge: Bridge;
const batches: BatchLog[] = [];

beforeAll(async () => {
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  reader = openDb(database);
  db = reader.db;
  bridge = await startBridge({
    port: 0,
    databaseUrl: database.databaseUrl,
    wsProxy: database.wsProxy,
    secret: SECRET,
    onBatch: (entry) => batches.push(entry),
  });
});

afterAll(async () => {
  await bridge?.close();
  await reader?.close();
  await database?.close();
});

function post(init: RequestInit): Promise<Response> {
  return fetch(`${bridge.url}/v1/events`, init);
}

async function postBatch(events: EventEnvelope[]): Promise<Response> {
  return post(await signedPost(batchBody(events)));
}

async function errorOf(response: Response) {
  return ErrorBody.parse(await response.json()).error;
}

describe("POST /v1/events", () => {
  it("applies a signed batch and acknowledges every event in it", async () => {
    const events = deliveredOrder();

    const response = await postBatch(events);

    expect(response.status).toBe(200);
    expect(OutboxAck.parse(await response.json())).toEqual({ accepted: events.map((e) => e.id) });
    expect(await historyRow(db, events[0]!.aggregateId)).toMatchObject({
      status: "delivered",
      lastSeq: 9,
    });
  });

  it("acknowledges a batch delivered again without changing the row", async () => {
    const events = deliveredOrder();
    await postBatch(events);
    const before = await historyRow(db, events[0]!.aggregateId);

    const again = await postBatch(events);

    expect(again.status).toBe(200);
    expect(OutboxAck.parse(await again.json()).accepted).toEqual(events.map((e) => e.id));
    expect(await historyRow(db, events[0]!.aggregateId)).toEqual(before);
  });

  it("acknowledges poison events, keeps them in dead letters, and applies the rest", async () => {
    const orderId = crypto.randomUUID();
    const unknown = rawEvent({ type: "OrderTeleported", aggregateId: orderId, seq: 2 });
    const invalid = { ...orderEvent("OrderAccepted", { orderId, seq: 3 }), data: { nope: 1 } };
    const events = [
      orderEvent("OrderPlaced", { orderId, seq: 1 }),
      unknown,
      invalid,
      orderEvent("OrderReady", { orderId, seq: 4, order: { status: "ready" } }),
    ];

    const response = await postBatch(events);

    expect(response.status).toBe(200);
    expect(OutboxAck.parse(await response.json()).accepted).toEqual(events.map((e) => e.id));
    expect(await deadLetter(db, unknown.id)).toMatchObject({ error: /unknown event type/ });
    expect(await deadLetter(db, invalid.id)).toMatchObject({ error: /invalid OrderAccepted/ });
    expect(await historyRow(db, orderId)).toMatchObject({ status: "ready", lastSeq: 4 });
    expect(batches.at(-1)).toMatchObject({
      outcome: "accepted",
      source: "order:test",
      count: 4,
      deadLettered: 2,
    });
  });

  it("accepts events of a topic nobody reads yet", async () => {
    const paused = rawEvent({ type: "RestaurantResumed" });

    const response = await postBatch([paused]);

    expect(response.status).toBe(200);
    expect(OutboxAck.parse(await response.json()).accepted).toEqual([paused.id]);
    expect(await deadLetter(db, paused.id)).toBeNull();
  });

  describe("refuses what it cannot trust, and writes nothing", () => {
    const now = Date.now();

    it.each([
      ["no signature", { signature: null }, "auth.unauthenticated"],
      ["a malformed signature", { signature: "v1=deadbeef" }, "auth.unauthenticated"],
      [
        "another secret's signature",
        { secret: "not-the-bridge-secret-000000000000" },
        "auth.token_invalid",
      ],
      [
        "an expired signature",
        { nowMs: now - SIGNATURE_TOLERANCE_MS - 60_000 },
        "auth.token_expired",
      ],
    ] as const)("a batch with %s", async (_, options, code) => {
      const events = deliveredOrder();

      const response = await post(await signedPost(batchBody(events), options));

      expect(response.status).toBe(401);
      expect(await errorOf(response)).toMatchObject({ code });
      expect(await historyRow(db, events[0]!.aggregateId)).toBeNull();
    });

    it("a batch whose body was changed after signing", async () => {
      const events = deliveredOrder();
      const signed = await signedPost(batchBody(events));
      const tampered = batchBody(events).replace('"status":"delivered"', '"status":"cancelled"');
      expect(tampered).not.toBe(batchBody(events));

      const response = await post({ ...signed, body: tampered });

      expect(response.status).toBe(401);
      expect(await errorOf(response)).toMatchObject({ code: "auth.token_invalid" });
      expect(await historyRow(db, events[0]!.aggregateId)).toBeNull();
    });
  });

  it("refuses a body over 1 MiB with request.too_large, and lets go of the connection", async () => {
    const big = JSON.stringify({
      source: "order:test",
      events: [],
      padding: "x".repeat(1024 * 1024),
    });

    const response = await post(await signedPost(big));

    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(await errorOf(response)).toMatchObject({ code: "request.too_large" });
  });

  it("refuses an oversized body sent in chunks, without a length up front", async () => {
    // Exactly 1 MiB in 64 KiB chunks, then one byte too many: the whole body is sent before the
    // bridge can tell it is too large, so the answer is not lost to a reset connection.
    const chunks = [...Array.from({ length: 16 }, () => "x".repeat(64 * 1024)), "x"];
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    });

    const response = await fetch(`${bridge.url}/v1/events`, {
      method: "POST",
      headers: { [SIGNATURE_HEADER]: await signBody(SECRET, "irrelevant", Date.now()) },
      body,
      duplex: "half",
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ code: "request.too_large" });
  });

  it("refuses a signed body that is not JSON with request.malformed_json", async () => {
    const response = await post(await signedPost("{ not json"));

    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "request.malformed_json" });
  });

  it("refuses a signed body that is not an outbox batch, naming what is wrong", async () => {
    const [placed] = deliveredOrder();
    const body = JSON.stringify({ source: "order:test", events: [{ ...placed, seq: 0 }] });

    const response = await post(await signedPost(body));

    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("request.invalid");
    expect(error.details?.issues).toEqual([expect.objectContaining({ path: "events.0.seq" })]);
    expect(await historyRow(db, placed!.aggregateId)).toBeNull();
  });

  it("refuses an empty batch", async () => {
    const response = await post(await signedPost(batchBody([])));

    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "request.invalid" });
  });
});

describe("probes", () => {
  it("answers /healthz while the process is up", async () => {
    const response = await fetch(`${bridge.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("answers /readyz when the database answers", async () => {
    const response = await fetch(`${bridge.url}/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("answers an unknown path with a coded 404", async () => {
    const response = await fetch(`${bridge.url}/v2/events`);

    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: "not_found" });
  });
});

describe("close", () => {
  it("finishes a request already in flight, then stops accepting", async () => {
    const second = await startBridge({
      port: 0,
      databaseUrl: database.databaseUrl,
      wsProxy: database.wsProxy,
      secret: SECRET,
    });
    const events = deliveredOrder();
    const body = batchBody(events);
    const signature = await signBody(SECRET, body, Date.now());

    // `Expect: 100-continue` makes the server say when it has the request in hand; the body is
    // sent only after close() has begun, so the request is certainly in flight across it.
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${second.url}/v1/events`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          expect: "100-continue",
          [SIGNATURE_HEADER]: signature,
        },
      });
      request.on("continue", () => {
        closing = second.close();
        request.end(body);
      });
      request.on("response", (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on("error", reject);
    });
    let closing: Promise<void> | undefined;

    const response = await answered;
    await closing;

    expect(response.status).toBe(200);
    expect(OutboxAck.parse(JSON.parse(response.body)).accepted).toHaveLength(events.length);
    expect(await historyRow(db, events[0]!.aggregateId)).toMatchObject({ status: "delivered" });
    await expect(fetch(`${second.url}/healthz`)).rejects.toThrow();
  });
});
