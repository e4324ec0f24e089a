import { describe, expect, it } from "vitest";
import type { Job, Offer } from "../../schema/dispatch.ts";
import { ids, placement } from "../../test/builders.ts";
import {
  type Courier,
  type CourierCommand,
  type CourierEffect,
  decide,
  isBusy,
  newCourier,
  zoneTarget,
} from "./courier.ts";

const T = Date.parse("2026-11-21T12:00:00.000Z");
const HERE = { lat: 30.2672, lng: -97.7431 };

/** Runs commands in order from `from`, failing loudly on any refusal. */
function run(from: Courier, ...commands: CourierCommand[]): Courier {
  let state = from;
  for (const command of commands) {
    const decision = decide(state, command, T);
    if (!decision.ok) throw new Error(`${command.type}: ${decision.error.code}`);
    state = decision.state;
  }
  return state;
}

function online(): Courier {
  return run(
    newCourier(ids.driver),
    { type: "go_online" },
    {
      type: "fix",
      fix: { ...HERE, accuracyM: 5, at: T - 1_000 },
    },
  );
}

function offer(partial: Partial<Offer> = {}): Offer {
  const orderId = crypto.randomUUID();
  return {
    offerId: crypto.randomUUID(),
    zone: "zone-1",
    orderIds: [orderId],
    restaurant: { ...placement().restaurant, location: HERE },
    dropoffs: [{ orderId, lat: HERE.lat, lng: HERE.lng, text: "Home", customerName: "Ada" }],
    earningsCents: 500,
    readyBy: new Date(T + 60_000).toISOString(),
    pickupEta: new Date(T + 60_000).toISOString(),
    expiresAt: new Date(T + 30_000).toISOString(),
    ...partial,
  };
}

function jobFor(orderId: string, partial: Partial<Job> = {}): Job {
  return {
    orderId,
    driverId: ids.driver,
    restaurant: { ...placement().restaurant, location: HERE },
    dropoff: { orderId, lat: HERE.lat, lng: HERE.lng, text: "Home", customerName: "Ada" },
    status: "preparing",
    driverStage: "assigned",
    readyBy: new Date(T + 60_000).toISOString(),
    earningsCents: 500,
    version: 3,
    ...partial,
  };
}

const kinds = (effects: CourierEffect[]) => effects.map((e) => e.kind);

describe("a courier's offers", () => {
  it("holds one offer at a time; the same offer again is no conflict", () => {
    const first = offer();
    const holding = run(online(), { type: "offer", offer: first });
    expect(holding.offer?.offerId).toBe(first.offerId);
    const second = decide(holding, { type: "offer", offer: offer() }, T);
    expect(!second.ok && second.error.code).toBe("driver.busy");
    expect(decide(holding, { type: "offer", offer: first }, T).ok).toBe(true);
  });

  it("refuses an offer while offline or after it has expired", () => {
    const offline = decide(newCourier(ids.driver), { type: "offer", offer: offer() }, T);
    expect(!offline.ok && offline.error.code).toBe("driver.offline");
    const late = decide(
      online(),
      { type: "offer", offer: offer({ expiresAt: new Date(T).toISOString() }) },
      T,
    );
    expect(!late.ok && late.error.code).toBe("offer.expired");
  });

  it("turns an accepted offer into a claim on each order, so a withdrawal that follows finds nothing", () => {
    const bundle = offer({ orderIds: [crypto.randomUUID(), crypto.randomUUID()] });
    const accepted = decide(
      run(online(), { type: "offer", offer: bundle }),
      { type: "accept", offerId: bundle.offerId },
      T,
    );
    if (!accepted.ok) throw new Error(accepted.error.code);
    expect(kinds(accepted.effects)).toEqual(["claim", "claim"]);
    expect(accepted.state.offer).toBeNull();
    expect(isBusy(accepted.state)).toBe(true);
    const withdrawn = decide(accepted.state, { type: "withdraw", offerId: bundle.offerId }, T);
    expect(withdrawn.ok && withdrawn.effects).toEqual([]);
    // Busy while its claims are asked: no other offer slips in.
    const another = decide(accepted.state, { type: "offer", offer: offer() }, T);
    expect(!another.ok && another.error.code).toBe("driver.busy");
  });

  it("closes the offer once, as accepted, when every claim is answered; won orders become jobs", () => {
    const [won, lost] = [crypto.randomUUID(), crypto.randomUUID()];
    const bundle = offer({ orderIds: [won, lost] });
    let state = run(
      online(),
      { type: "offer", offer: bundle },
      { type: "accept", offerId: bundle.offerId },
    );
    const first = decide(
      state,
      { type: "claimed", orderId: won, outcome: { ok: true, job: jobFor(won) } },
      T,
    );
    if (!first.ok) throw new Error(first.error.code);
    expect(first.events).toEqual([]);
    state = first.state;
    const second = decide(state, { type: "claimed", orderId: lost, outcome: { ok: false } }, T);
    if (!second.ok) throw new Error(second.error.code);
    expect(second.events.map((e) => [e.type, e.data])).toEqual([
      ["OfferAccepted", { offerId: bundle.offerId, orderIds: [won, lost], won: [won] }],
    ]);
    expect(second.effects).toContainEqual({
      kind: "send",
      message: { type: "offer_closed", offerId: bundle.offerId, why: "accepted" },
    });
    expect(second.state.claims).toEqual([]);
    expect(second.state.jobs.map((j) => j.orderId)).toEqual([won]);
  });

  it("tells the zone of a decline and of an expiry, neither of which claims anything", () => {
    const declinedOffer = offer();
    const declined = decide(
      run(online(), { type: "offer", offer: declinedOffer }),
      { type: "decline", offerId: declinedOffer.offerId },
      T,
    );
    expect(declined.ok && declined.effects).toContainEqual({
      kind: "answer_zone",
      zone: "zone-1",
      offerId: declinedOffer.offerId,
      answer: "declined",
    });
    const lapsed = offer({ expiresAt: new Date(T + 1).toISOString() });
    const holding = run(online(), { type: "offer", offer: lapsed });
    const expired = decide(holding, { type: "expire" }, T + 1);
    expect(expired.ok && expired.effects).toContainEqual({
      kind: "answer_zone",
      zone: "zone-1",
      offerId: lapsed.offerId,
      answer: "expired",
    });
  });
});

describe("a courier's jobs", () => {
  it("keeps out news of an order older than the refusal of its claim", () => {
    // The claim's first answer (won) was lost, a copy was refused as of version 4: the assignment
    // at version 3, arriving late, is over.
    const o = offer();
    const orderId = o.orderIds[0]!;
    const claiming = run(
      online(),
      { type: "offer", offer: o },
      { type: "accept", offerId: o.offerId },
    );
    const refused = run(claiming, {
      type: "claimed",
      orderId,
      outcome: { ok: false, version: 4 },
    });
    const late = run(refused, { type: "job_changed", job: jobFor(orderId, { version: 3 }) });
    expect(late.jobs).toEqual([]);
  });

  it("keeps out an older update saying a job was theirs, overtaken by a newer one saying not", () => {
    // Found by the dispatch simulation (seed 18031): the newer news came first, the courier held
    // no such job, and the older news then handed them a job they had already lost.
    const orderId = crypto.randomUUID();
    const newer = run(online(), {
      type: "job_changed",
      job: jobFor(orderId, { version: 4, driverId: null }),
    });
    const older = run(newer, { type: "job_changed", job: jobFor(orderId, { version: 3 }) });
    expect(older.jobs).toEqual([]);
  });

  it("drops a job the order gave to someone else, or that is over", () => {
    const orderId = crypto.randomUUID();
    const carrying = run(online(), { type: "job_changed", job: jobFor(orderId) });
    expect(carrying.jobs).toHaveLength(1);
    const stale = run(carrying, {
      type: "job_changed",
      job: jobFor(orderId, { version: 2, driverId: null }),
    });
    expect(stale.jobs).toHaveLength(1);
    const reassigned = decide(
      carrying,
      { type: "job_changed", job: jobFor(orderId, { version: 4, driverId: ids.otherDriver }) },
      T,
    );
    expect(reassigned.ok && reassigned.state.jobs).toEqual([]);
    expect(reassigned.ok && reassigned.effects).toContainEqual({
      kind: "send",
      message: { type: "job_removed", orderId, why: "reassigned" },
    });
  });

  it("refuses to go offline on a trip, and an admin's assignment while considering an offer", () => {
    const carrying = run(online(), { type: "job_changed", job: jobFor(crypto.randomUUID()) });
    const offline = decide(carrying, { type: "go_offline" }, T);
    expect(!offline.ok && offline.error.code).toBe("driver.busy");
    const considering = run(online(), { type: "offer", offer: offer() });
    const assigned = decide(
      considering,
      { type: "assign_by_admin", orderId: crypto.randomUUID(), adminId: ids.admin, commandId: "a" },
      T,
    );
    expect(!assigned.ok && assigned.error.code).toBe("driver.busy");
  });
});

describe("where the zone should hold the courier", () => {
  it("in their zone while online, busy once on a job, nowhere once offline", () => {
    const idle = online();
    const target = zoneTarget(idle, T);
    expect(target).toMatchObject({ busy: false });
    expect(target?.zone).not.toBeNull();
    const heard = run(idle, {
      type: "zone_synced",
      indexed: { ...target!, version: 1, syncedAtMs: T },
    });
    expect(zoneTarget(heard, T)).toBeNull();
    const busy = run(heard, { type: "job_changed", job: jobFor(crypto.randomUUID()) });
    expect(zoneTarget(busy, T)).toMatchObject({ busy: true, zone: target!.zone });
    const gone = run(heard, { type: "go_offline" });
    expect(zoneTarget(gone, T)).toEqual({ zone: null, cell: null, busy: false });
  });
});
