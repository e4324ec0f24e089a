import { z } from "zod";
import { cellOf, zoneOf } from "../../domain/cells.ts";
import {
  type DriverServerMessage,
  type DriverState,
  GpsFix,
  Job,
  Offer,
  type OfferAnswer,
} from "../../schema/dispatch.ts";
import { type Failure, fail } from "../../schema/errors.ts";
import type { DriverEventData } from "../../schema/events.ts";
import { Position } from "../../schema/geo.ts";
import type { Actor } from "../../schema/orders.ts";
import { defaultGpsPolicy, type GpsPolicy, judgeFix } from "./gps.ts";

/**
 * One courier, pure: `(state, command, now) -> { state, events, effects }`. It decides whether an
 * offer may be held, turns an accepted offer into claims on its orders, keeps the jobs the orders
 * confirm, judges GPS fixes and says when the zone must hear where the courier is. The DriverActor
 * is its shell: it stores the state, sends the events to the outbox and carries out the effects
 * (a claim is a call to the order's compare-and-set, whose answer comes back as `claimed`).
 *
 * Nothing here needs a guard against its own echo. An accepted offer becomes claims at once, so a
 * withdrawal that arrives while the orders are being asked finds no offer; a courier with claims
 * or jobs is busy, so no offer slips in meanwhile; and claims are stored, so a restart asks again
 * (the order answers the same courier yes again).
 */

/** A claim on an order: this courier asking its OrderActor for it, by an offer or an admin. */
export const Claim = z.object({
  orderId: z.uuid(),
  /** The offer it came from, or `admin:<command id>` for an admin's manual dispatch. */
  offerId: z.string(),
  by: z.object({ role: z.enum(["system", "admin"]), userId: z.string().optional() }),
  result: z.enum(["pending", "won", "taken"]),
});
export type Claim = z.infer<typeof Claim>;

/** What the courier's zone last heard: the zone indexing them, their cell, whether busy. */
export const Indexed = z.object({
  zone: z.string().nullable(),
  cell: z.string().nullable(),
  busy: z.boolean(),
  /** The courier's own counter of zone updates, so a late one never undoes a newer one. */
  version: z.number().int(),
  syncedAtMs: z.number(),
});
export type Indexed = z.infer<typeof Indexed>;

export const Courier = z.object({
  driverId: z.uuid(),
  online: z.boolean(),
  track: z.object({ last: GpsFix.nullable(), suspect: z.array(GpsFix) }),
  position: Position.nullable(),
  flaggedFixes: z.number().int(),
  offer: Offer.nullable(),
  claims: z.array(Claim),
  jobs: z.array(Job),
  /**
   * The latest jobs that ended here (delivered, cancelled, given to another), with the version
   * that ended them: a late, older update of one of them must not bring it back.
   */
  ended: z.array(z.object({ orderId: z.uuid(), version: z.number().int() })).default([]),
  indexed: Indexed,
  eventSeq: z.number().int(),
  locationSampledAtMs: z.number(),
});
export type Courier = z.infer<typeof Courier>;

export type CourierCommand =
  | { type: "go_online" }
  | { type: "go_offline" }
  | { type: "fix"; fix: GpsFix }
  | { type: "offer"; offer: Offer }
  | { type: "withdraw"; offerId: string }
  | { type: "accept"; offerId: string }
  | { type: "decline"; offerId: string }
  | { type: "expire" }
  | { type: "assign_by_admin"; orderId: string; adminId: string; commandId: string }
  | {
      type: "claimed";
      orderId: string;
      /** A refusal names the order's version it was refused at, when the order said. */
      outcome: { ok: true; job: Job } | { ok: false; version?: number };
    }
  | { type: "job_changed"; job: Job }
  | { type: "zone_synced"; indexed: Indexed };

export type CourierEffect =
  /** A frame for the courier's own sockets. */
  | { kind: "send"; message: DriverServerMessage }
  /** Ask the order to take this courier (its compare-and-set); answer with `claimed`. */
  | { kind: "claim"; claim: Claim }
  /** Tell the zone that made an offer how it ended, when it did not end in a claim. */
  | { kind: "answer_zone"; zone: string; offerId: string; answer: OfferAnswer }
  /** The order a courier carries hears where they are. */
  | { kind: "track"; orderId: string; position: Position };

export type CourierEvent = DriverEventData | LocatedEvent;
type LocatedEvent = {
  type: "DriverLocated";
  data: { lat: number; lng: number; zone: string; available: boolean };
};
export type Emitted = CourierEvent & { seq: number; at: string };

export type Decision =
  | {
      ok: true;
      state: Courier;
      events: Emitted[];
      effects: CourierEffect[];
      /** A command refused that still changed the state: an implausible fix is remembered. */
      refusal?: Failure;
    }
  | { ok: false; error: Failure };

export type CourierPolicy = {
  gps: GpsPolicy;
  /** One sampled position per courier per this long goes to the `driver.location` stream. */
  locationSampleMs: number;
  /**
   * The zone's entry is refreshed at least this often while the courier is online, even standing
   * still: zones forget couriers they have not heard from (a phone that died).
   */
  zoneRefreshMs: number;
};

export const defaultCourierPolicy: CourierPolicy = {
  gps: defaultGpsPolicy,
  locationSampleMs: 30_000,
  zoneRefreshMs: 15_000,
};

export function newCourier(driverId: string): Courier {
  return {
    driverId,
    online: false,
    track: { last: null, suspect: [] },
    position: null,
    flaggedFixes: 0,
    offer: null,
    claims: [],
    jobs: [],
    ended: [],
    indexed: { zone: null, cell: null, busy: false, version: 0, syncedAtMs: 0 },
    eventSeq: 0,
    locationSampledAtMs: 0,
  };
}

/** On a job, or asking for one: never offered work, never counted as supply. */
export function isBusy(courier: Courier): boolean {
  return courier.jobs.length > 0 || courier.claims.some((c) => c.result === "pending");
}

/** What the courier's app draws. */
export function viewOf(courier: Courier): DriverState {
  return {
    driverId: courier.driverId,
    online: courier.online,
    position: courier.position,
    jobs: courier.jobs,
    offer: courier.offer,
    flaggedFixes: courier.flaggedFixes,
  };
}

/** Decides one command. Refusals are coded failures, never exceptions. */
export function decide(
  courier: Courier,
  command: CourierCommand,
  nowMs: number,
  policy: CourierPolicy = defaultCourierPolicy,
): Decision {
  const next = new Change(courier, nowMs);
  switch (command.type) {
    case "go_online":
    case "go_offline":
      return setOnline(next, command.type === "go_online");
    case "fix":
      return judge(next, command.fix, policy);
    case "offer":
      return hold(next, command.offer);
    case "withdraw": {
      const offer = courier.offer;
      if (offer?.offerId !== command.offerId) return next.done();
      next.state = { ...next.state, offer: null };
      next.send({ type: "offer_closed", offerId: offer.offerId, why: "withdrawn" });
      return next.done();
    }
    case "accept":
      return accept(next, command.offerId);
    case "decline":
      return close(next, command.offerId, "declined");
    case "expire": {
      const offer = courier.offer;
      if (!offer || Date.parse(offer.expiresAt) > nowMs) return next.done();
      return close(next, offer.offerId, "expired");
    }
    case "assign_by_admin":
      return assignByAdmin(next, command);
    case "claimed":
      return claimed(next, command.orderId, command.outcome);
    case "job_changed":
      return jobChanged(next, command.job);
    case "zone_synced":
      next.state = { ...next.state, indexed: command.indexed };
      return next.done();
  }
}

/**
 * Where the zone index should hold this courier now, or null when it is as the zone last heard:
 * in their zone while online (idle in its dispatch index, busy on its map only), nowhere
 * offline. The zone hears of a move into another cell or zone, a change of busy, and otherwise
 * every `zoneRefreshMs`: with every fix of every courier it would be the city's bottleneck.
 */
export function zoneTarget(
  courier: Courier,
  nowMs: number,
  policy: CourierPolicy = defaultCourierPolicy,
): { zone: string | null; cell: string | null; busy: boolean } | null {
  const position = courier.online ? courier.position : null;
  const target = {
    zone: position ? zoneOf(position) : null,
    cell: position ? cellOf(position) : null,
    busy: isBusy(courier),
  };
  const heard = courier.indexed;
  const moved = target.zone !== heard.zone || target.cell !== heard.cell;
  const stale = target.zone !== null && nowMs - heard.syncedAtMs >= policy.zoneRefreshMs;
  return moved || target.busy !== heard.busy || stale ? target : null;
}

/** When the shell must next wake this courier: the offer's expiry, or the zone's refresh. */
export function dueAtMs(
  courier: Courier,
  policy: CourierPolicy = defaultCourierPolicy,
): { offer: number | null; zone: number | null } {
  return {
    offer: courier.offer ? Date.parse(courier.offer.expiresAt) : null,
    zone:
      courier.online && courier.indexed.zone !== null
        ? courier.indexed.syncedAtMs + policy.zoneRefreshMs
        : null,
  };
}

/** A decision in the making: the state so far, with the events and effects it has produced. */
class Change {
  state: Courier;
  readonly events: Emitted[] = [];
  readonly effects: CourierEffect[] = [];
  readonly nowMs: number;

  constructor(state: Courier, nowMs: number) {
    this.state = state;
    this.nowMs = nowMs;
  }

  emit(event: CourierEvent): void {
    const seq = this.state.eventSeq + 1;
    this.state = { ...this.state, eventSeq: seq };
    this.events.push({ ...event, seq, at: new Date(this.nowMs).toISOString() } as Emitted);
  }

  send(message: DriverServerMessage): void {
    this.effects.push({ kind: "send", message });
  }

  done(): Decision {
    return { ok: true, state: this.state, events: this.events, effects: this.effects };
  }
}

function setOnline(next: Change, online: boolean): Decision {
  const courier = next.state;
  if (courier.online === online) return next.done();
  if (!online && isBusy(courier)) {
    return fail("driver.busy", "finish your trip before going offline");
  }
  const withdrawn = online ? null : courier.offer;
  next.state = { ...courier, online, offer: online ? courier.offer : null };
  next.emit(
    online
      ? {
          type: "DriverWentOnline",
          data: {
            at: courier.position ? { lat: courier.position.lat, lng: courier.position.lng } : null,
          },
        }
      : { type: "DriverWentOffline", data: {} },
  );
  if (withdrawn) {
    next.effects.push({
      kind: "answer_zone",
      zone: withdrawn.zone,
      offerId: withdrawn.offerId,
      answer: "offline",
    });
  }
  next.send({ type: "state", driver: viewOf(next.state) });
  return next.done();
}

function judge(next: Change, fix: GpsFix, policy: CourierPolicy): Decision {
  const courier = next.state;
  const verdict = judgeFix(courier.track, fix, next.nowMs, policy.gps);
  if (verdict.kind !== "accepted") {
    const flagged = verdict.kind === "flagged";
    next.state = {
      ...courier,
      track: verdict.track,
      flaggedFixes: courier.flaggedFixes + (flagged ? 1 : 0),
    };
    if (flagged) {
      next.emit({
        type: "DriverFixFlagged",
        data: { why: verdict.why, at: { lat: fix.lat, lng: fix.lng } },
      });
    }
    next.send({ type: "fix_refused", why: verdict.why });
    // A refused fix is still a decision to keep: its track (and flag count) changed.
    return {
      ok: true,
      state: next.state,
      events: next.events,
      effects: next.effects,
      // Well formed, but not a fix this courier can take now (stale, from the future, blurred).
      refusal: { code: "request.unprocessable", message: verdict.why },
    };
  }
  const position: Position = {
    lat: fix.lat,
    lng: fix.lng,
    at: new Date(Math.min(fix.at, next.nowMs)).toISOString(),
  };
  const sample =
    courier.online && next.nowMs - courier.locationSampledAtMs >= policy.locationSampleMs;
  next.state = {
    ...courier,
    track: verdict.track,
    position,
    locationSampledAtMs: sample ? next.nowMs : courier.locationSampledAtMs,
  };
  if (sample) {
    next.emit({
      type: "DriverLocated",
      data: { lat: fix.lat, lng: fix.lng, zone: zoneOf(fix), available: !isBusy(next.state) },
    });
  }
  for (const job of courier.jobs)
    next.effects.push({ kind: "track", orderId: job.orderId, position });
  return next.done();
}

/**
 * A zone offers work. Refused (so the zone moves on) when the courier is offline, considering
 * another offer, or busy: one courier never holds two offers that could conflict. The same offer
 * again (a zone retrying) is no conflict.
 */
function hold(next: Change, offer: Offer): Decision {
  const courier = next.state;
  if (courier.offer?.offerId === offer.offerId) return next.done();
  if (!courier.online) return fail("driver.offline", "this courier is offline");
  if (courier.offer) return fail("driver.busy", "this courier is considering another offer");
  if (isBusy(courier)) return fail("driver.busy", "this courier is on a trip");
  if (Date.parse(offer.expiresAt) <= next.nowMs) {
    return fail("offer.expired", "the offer expired before it arrived");
  }
  next.state = { ...courier, offer };
  next.send({ type: "offer", offer });
  return next.done();
}

/** Accepting turns the offer into a claim on each of its orders, asked of the orders at once. */
function accept(next: Change, offerId: string): Decision {
  const offer = next.state.offer;
  if (offer?.offerId !== offerId) return fail("offer.not_found", "no such offer");
  if (Date.parse(offer.expiresAt) <= next.nowMs) {
    const expired = close(next, offerId, "expired");
    if (!expired.ok) return expired;
    return fail("offer.expired", "the offer has expired");
  }
  const claims: Claim[] = offer.orderIds.map((orderId) => ({
    orderId,
    offerId,
    by: { role: "system" },
    result: "pending",
  }));
  next.state = { ...next.state, offer: null, claims: [...next.state.claims, ...claims] };
  for (const claim of claims) next.effects.push({ kind: "claim", claim });
  return next.done();
}

function close(next: Change, offerId: string, why: "declined" | "expired"): Decision {
  const offer = next.state.offer;
  if (offer?.offerId !== offerId) return fail("offer.not_found", "no such offer");
  next.state = { ...next.state, offer: null };
  next.emit({
    type: why === "declined" ? "OfferDeclined" : "OfferExpired",
    data: { offerId, orderIds: offer.orderIds },
  });
  next.effects.push({ kind: "answer_zone", zone: offer.zone, offerId, answer: why });
  next.send({ type: "offer_closed", offerId, why });
  return next.done();
}

/**
 * An admin's manual dispatch: refused while the courier is offline, considering an offer or busy,
 * so an override never gives one courier two jobs; otherwise a claim like an accepted offer's.
 */
function assignByAdmin(
  next: Change,
  command: Extract<CourierCommand, { type: "assign_by_admin" }>,
): Decision {
  const courier = next.state;
  if (courier.jobs.some((job) => job.orderId === command.orderId)) return next.done();
  if (!courier.online) return fail("driver.offline", "this courier is offline");
  if (courier.offer || isBusy(courier)) {
    return fail("driver.busy", "this courier is busy with another offer or trip");
  }
  const claim: Claim = {
    orderId: command.orderId,
    offerId: `admin:${command.commandId}`,
    by: { role: "admin", userId: command.adminId },
    result: "pending",
  };
  next.state = { ...courier, claims: [...courier.claims, claim] };
  next.effects.push({ kind: "claim", claim });
  return next.done();
}

/**
 * The order's answer to a claim. A won order becomes a job; once every claim of an offer is
 * answered, the offer is closed once, as accepted (or taken, if every order went to others).
 */
function claimed(
  next: Change,
  orderId: string,
  outcome: Extract<CourierCommand, { type: "claimed" }>["outcome"],
): Decision {
  const courier = next.state;
  const claim = courier.claims.find((c) => c.orderId === orderId && c.result === "pending");
  if (!claim) return next.done();
  const result: Claim["result"] = outcome.ok ? "won" : "taken";
  let claims = courier.claims.map((c) => (c === claim ? { ...c, result } : c));
  let jobs = courier.jobs;
  if (outcome.ok) jobs = upsert(jobs, outcome.job);
  next.state = { ...courier, claims, jobs };
  // Refused as of a version: older news of the order (an assignment since undone, which this
  // claim's first answer may have been) must not hand the courier the job later.
  if (!outcome.ok && outcome.version !== undefined) {
    next.state = { ...next.state, ended: endedAt(next.state.ended, orderId, outcome.version) };
  }
  if (outcome.ok) {
    next.send({ type: "job", job: outcome.job });
    if (courier.position) next.effects.push({ kind: "track", orderId, position: courier.position });
  }

  const siblings = claims.filter((c) => c.offerId === claim.offerId);
  if (siblings.some((c) => c.result === "pending")) return next.done();
  claims = claims.filter((c) => c.offerId !== claim.offerId);
  next.state = { ...next.state, claims };
  const won = siblings.filter((c) => c.result === "won").map((c) => c.orderId);
  if (claim.by.role === "admin") {
    if (won.length > 0) {
      next.emit({ type: "AssignedByAdmin", data: { orderId, adminId: claim.by.userId ?? null } });
    }
    return next.done();
  }
  next.emit({
    type: "OfferAccepted",
    data: { offerId: claim.offerId, orderIds: siblings.map((c) => c.orderId), won },
  });
  next.send({
    type: "offer_closed",
    offerId: claim.offerId,
    why: won.length > 0 ? "accepted" : "taken",
  });
  return next.done();
}

/** Ended jobs remembered: far more than the updates of ended jobs that can still be in flight. */
const ENDED_KEPT = 32;

/**
 * An order's newer state. A job that is no longer this courier's, or is over, is dropped, and
 * remembered as ended, so an older update arriving late does not bring it back.
 */
function jobChanged(next: Change, job: Job): Decision {
  const courier = next.state;
  const current = courier.jobs.find((j) => j.orderId === job.orderId);
  if (current && current.version >= job.version) return next.done();
  const ended = courier.ended.find((e) => e.orderId === job.orderId);
  if (ended && ended.version >= job.version) return next.done();
  const over =
    job.status === "delivered" || job.status === "cancelled" || job.status === "rejected";
  if (job.driverId !== courier.driverId || over) {
    // Remembered even when the courier holds no such job: an older update saying it was theirs
    // may still be on its way (messages reorder), and must not hand them a job they lost.
    next.state = {
      ...courier,
      jobs: courier.jobs.filter((j) => j.orderId !== job.orderId),
      ended: endedAt(courier.ended, job.orderId, job.version),
    };
    if (current) {
      next.send({
        type: "job_removed",
        orderId: job.orderId,
        why: over ? job.status : "reassigned",
      });
    }
    return next.done();
  }
  next.state = { ...courier, jobs: upsert(courier.jobs, job) };
  next.send({ type: "job", job });
  return next.done();
}

/** `ended` with the order known over as of `version` (never lowered), the oldest forgotten. */
function endedAt(ended: Courier["ended"], orderId: string, version: number): Courier["ended"] {
  const known = ended.find((e) => e.orderId === orderId);
  if (known && known.version >= version) return ended;
  return [...ended.filter((e) => e.orderId !== orderId), { orderId, version }].slice(-ENDED_KEPT);
}

function upsert(jobs: readonly Job[], job: Job): Job[] {
  const others = jobs.filter((j) => j.orderId !== job.orderId);
  const current = jobs.find((j) => j.orderId === job.orderId);
  return current && current.version > job.version ? [...jobs] : [...others, job];
}

/** The claim an actor-side `Actor` stands for, as the order's compare-and-set wants it. */
export function claimActor(claim: Claim): Actor {
  return claim.by.role === "admin"
    ? { role: "admin", ...(claim.by.userId ? { userId: claim.by.userId } : {}) }
    : { role: "system" };
}
