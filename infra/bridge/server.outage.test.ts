import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody } from "../../schema/errors.ts";
import { batchBody, deliveredOrder, SECRET, signedPost } from "../../test/bridge/fixtures.ts";
import { startTestDatabase } from "../../test/bridge/search.ts";
import type { LocalDatabase } from "../local/database.ts";
import type { BatchLog } from "./app.ts";
import { type Bridge, startBridge } from "./server.ts";

/**
 * The bridge with its database gone. A file of its own, because the outage is for real: the
 * database (or, on Postgres, the proxy the driver reaches it through) is shut down under the
 * bridge, and nothing else in this process may need it afterwards.
 */

let database: LocalDatabase;
let bridge: Bridge;
const batches: BatchLog[] = [];

beforeAll(async () => {
  database = await startTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
  bridge = await startBridge({
    port: 0,
    databaseUrl: database.databaseUrl,
    wsProxy: database.wsProxy,
    secret: SECRET,
    onBatch: (entry) => batches.push(entry),
  });
  // Proves the bridge was healthy before the outage, so the refusals below are the outage's.
  const before = await fetch(
    `${bridge.url}/v1/events`,
    await signedPost(batchBody(deliveredOrder())),
  );
  if (before.status !== 200)
    throw new Error(`the bridge refused a batch before the outage: ${before.status}`);
  await database.close();
});

afterAll(async () => {
  await bridge?.close();
});

describe("when the database is down", () => {
  it("answers 503 unavailable and acknowledges nothing, so the actor keeps the batch", async () => {
    const events = deliveredOrder();

    const response = await fetch(`${bridge.url}/v1/events`, await signedPost(batchBody(events)));

    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).not.toHaveProperty("accepted");
    expect(ErrorBody.parse(body).error).toMatchObject({ code: "unavailable" });
    expect(batches.at(-1)).toMatchObject({ outcome: "unavailable", count: events.length });
  });

  it("says it is not ready, while it still says it is alive", async () => {
    const ready = await fetch(`${bridge.url}/readyz`);
    const alive = await fetch(`${bridge.url}/healthz`);

    expect(ready.status).toBe(503);
    expect(ErrorBody.parse(await ready.json()).error).toMatchObject({ code: "unavailable" });
    expect(alive.status).toBe(200);
  });

  it("still refuses an unsigned batch as unauthenticated, not as unavailable", async () => {
    const response = await fetch(
      `${bridge.url}/v1/events`,
      await signedPost(batchBody(deliveredOrder()), { signature: null }),
    );

    expect(response.status).toBe(401);
  });
});
