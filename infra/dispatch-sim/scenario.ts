import { distanceM } from "../../domain/geo.ts";
import { between, intBetween, pick, type Random, seeded } from "../../domain/random.ts";
import { isBusy } from "../../durable-objects/driver/courier.ts";
import { TERMINAL } from "../../durable-objects/order/machine.ts";
import type { Offer } from "../../schema/dispatch.ts";
import type { LatLng } from "../../schema/geo.ts";
import type { OrderCommand, OrderRestaurant } from "../../schema/orders.ts";
import { Checker, type Violation } from "./checks.ts";
import { calmNetwork, type Faults } from "./network.ts";
import { type PlantedBug, World } from "./world.ts";

/**
 * One seeded day of dispatch: restaurants and couriers spread over a few zones of a city,
 * customers ordering, kitchens accepting (or not) and cooking, couriers taking, declining or
 * ignoring offers and riding their trips, and all the while faults: actors restarting, couriers
 * going offline or silent, admins assigning and unassigning by hand, the clock jumping, messages
 * delayed, reordered and duplicated. Then a calm in which everything must end. After every
 * step the checks run (`checks.ts`); the first violation ends the run.
 */

export type ScenarioOptions = {
  seed: number;
  /** Most steps (messages, timers, actions) to run. */
  stepsMax?: number;
  /** Simulated minutes during which orders arrive and faults strike. */
  busyMinutes?: number;
  bug?: PlantedBug;
  /** Keep a line per step, for replaying a failing seed. */
  trace?: boolean;
};

export type RunResult = {
  seed: number;
  steps: number;
  simulatedMs: number;
  orders: number;
  delivered: number;
  violation: Violation | null;
  trace: string[];
  /** The world as the run left it, for a closer look at a failure. */
  world: World;
};

const START_MS = Date.UTC(2026, 0, 15, 11, 0, 0);
const CENTRE: LatLng = { lat: 30.267, lng: -97.743 };
const MINUTE = 60_000;
const faulty: Faults = { delayMinMs: 5, delayMaxMs: 3_000, duplicate: 0.05 };
/** Riding speed of the simulated couriers (m/s), well inside what the GPS judge believes. */
const SPEED_MPS = 7;
/**
 * The calm after the busy time ends the run as soon as every order has ended; this bounds it,
 * far beyond the 20-minute give-up plus the longest trip (10 km there, 10 km on).
 */
const CALM_MS = 3 * 60 * MINUTE;

type Action = { atMs: number; seq: number; what: string; run: () => void };

export function runScenario(options: ScenarioOptions): RunResult {
  return new Scenario(options).run();
}

class Scenario {
  private readonly rng: Random;
  private readonly world: World;
  private readonly checker = new Checker();
  private readonly agenda: Action[] = [];
  private seq = 0;
  private readonly restaurants: OrderRestaurant[] = [];
  private readonly courierIds: string[] = [];
  /** Couriers whose phone is silent until then: they answer nothing and ride nowhere. */
  private readonly silentUntil = new Map<string, number>();
  private readonly trace: string[] = [];
  private readonly options: Required<Omit<ScenarioOptions, "bug">> & { bug: PlantedBug };
  private calm = false;

  constructor(options: ScenarioOptions) {
    this.options = {
      stepsMax: 60_000,
      busyMinutes: 20,
      trace: false,
      ...options,
      bug: options.bug ?? null,
    };
    this.rng = seeded(options.seed);
    this.world = new World(this.rng, START_MS, faulty, this.options.bug);
    this.world.onOffer = (driverId, offer) => this.answerLater(driverId, offer);
    this.world.onJob = (driverId) => this.rideLater(driverId, 5_000);
  }

  run(): RunResult {
    this.setUp();
    const busyUntil = START_MS + this.options.busyMinutes * MINUTE;
    let steps = 0;
    let violation: Violation | null = null;
    while (steps < this.options.stepsMax && violation === null) {
      const now = this.world.nowMs;
      if (!this.calm && now >= busyUntil) this.calmDown();
      // Once calm, the run is over when every order has ended and every message has arrived.
      if (this.calm && steps % 64 === 0 && this.world.network.inFlight === 0 && this.allEnded()) {
        break;
      }
      if (this.world.stepDue()) {
        steps++;
        violation = this.checker.check(this.world);
        continue;
      }
      const action = this.nextAction();
      const next = minOf(
        action?.atMs ?? null,
        this.world.network.nextDueMs(),
        this.world.nextTimerMs(),
      );
      if (next === null || next > busyUntil + CALM_MS) break;
      this.world.nowMs = Math.max(now, next);
      if (action && action.atMs <= this.world.nowMs) {
        this.agenda.splice(this.agenda.indexOf(action), 1);
        if (this.options.trace) this.trace.push(`${this.clock()} ${action.what}`);
        action.run();
        steps++;
        violation = this.checker.check(this.world);
      }
    }
    violation ??= this.everythingEnded();
    const orders = [...this.world.orders.values()];
    return {
      seed: this.options.seed,
      steps,
      simulatedMs: this.world.nowMs - START_MS,
      orders: orders.length,
      delivered: orders.filter((o) => o.order.status === "delivered").length,
      violation,
      trace: this.trace,
      world: this.world,
    };
  }

  private allEnded(): boolean {
    for (const { order } of this.world.orders.values())
      if (!TERMINAL.has(order.status)) return false;
    return true;
  }

  /**
   * Liveness in the end: after the calm, no order is left neither delivered nor ended, and
   * no courier still holds a job the orders say is over or someone else's.
   */
  private everythingEnded(): Violation | null {
    for (const { state } of this.world.couriers.values()) {
      for (const job of state.jobs) {
        const truth = this.world.orders.get(job.orderId)!.order;
        if (truth.driverId !== state.driverId || TERMINAL.has(truth.status)) {
          return {
            rule: "stale-job",
            detail: `courier ${state.driverId} still holds order ${job.orderId}, ${truth.status} with ${truth.driverId}`,
          };
        }
      }
    }
    for (const { order } of this.world.orders.values()) {
      if (!TERMINAL.has(order.status)) {
        return {
          rule: "order-never-ended",
          detail: `order ${order.id} still ${order.status}/${order.driverStage} after the calm`,
        };
      }
    }
    return null;
  }

  private setUp(): void {
    const restaurants = intBetween(this.rng, 3, 8);
    for (let i = 0; i < restaurants; i++) {
      this.restaurants.push({
        id: this.world.uuid(),
        name: `Kitchen ${i + 1}`,
        location: around(this.rng, CENTRE, 2_500),
        address: `${i + 1} Main St`,
      });
    }
    const couriers = intBetween(this.rng, 2, 10);
    for (let i = 0; i < couriers; i++) {
      const id = this.world.uuid();
      this.courierIds.push(id);
      this.world.addCourier(id);
      const start = around(this.rng, pick(this.rng, this.restaurants).location, 400);
      this.at(START_MS + intBetween(this.rng, 0, 60_000), `courier ${short(id)} online`, () => {
        this.fix(id, start);
        this.world.courierCommand(id, { type: "go_online" });
      });
    }
    const gapMs = between(this.rng, 15_000, 90_000);
    this.arrivals(START_MS + intBetween(this.rng, 0, 30_000), gapMs);
    this.faults(START_MS + 10_000);
  }

  // ---- customers and kitchens ------------------------------------------------------------------

  private arrivals(atMs: number, gapMs: number): void {
    if (atMs > START_MS + this.options.busyMinutes * MINUTE) return;
    this.at(atMs, "order placed", () => {
      this.placeOrder();
      this.arrivals(atMs + Math.round(-Math.log(1 - this.rng.next()) * gapMs), gapMs);
    });
  }

  private placeOrder(): void {
    const restaurant = pick(this.rng, this.restaurants);
    const id = this.world.uuid();
    const customerId = this.world.uuid();
    const dropoff = around(this.rng, restaurant.location, 2_000);
    this.world.placeOrder({
      id,
      customer: { id: customerId, name: "Ada Customer" },
      restaurant,
      lines: [],
      pricing: {
        currency: "USD",
        subtotalCents: 2_000,
        deliveryFeeCents: 399,
        serviceFeeCents: 100,
        smallOrderFeeCents: 0,
        tipCents: 200,
        discountCents: 0,
        pointsRedeemed: 0,
        totalCents: 2_699,
        distanceM: Math.round(distanceM(restaurant.location, dropoff)),
      },
      deliveryAddress: { ...dropoff, text: "Home" },
      prepMinutes: 15,
      acceptTimeoutMs: 5 * MINUTE,
    });
    const kitchen = { role: "restaurant" as const, restaurantId: restaurant.id };
    this.at(
      this.world.nowMs + intBetween(this.rng, 2_000, 60_000),
      `kitchen answers ${short(id)}`,
      () => {
        const roll = this.rng.next();
        if (roll < 0.05) {
          this.world.orderCommand(id, { type: "reject", reason: "Too busy" }, kitchen);
        } else if (roll < 0.1) {
          this.world.orderCommand(id, { type: "cancel" }, { role: "customer", userId: customerId });
        } else {
          const prepMinutes = intBetween(this.rng, 1, 25);
          if (this.world.orderCommand(id, { type: "accept", prepMinutes }, kitchen)) {
            this.at(this.world.nowMs + prepMinutes * MINUTE, `ready ${short(id)}`, () => {
              this.world.orderCommand(id, { type: "mark_ready" }, kitchen);
            });
          }
        }
      },
    );
  }

  // ---- couriers --------------------------------------------------------------------------------

  private answerLater(driverId: string, offer: Offer): void {
    const delay = intBetween(this.rng, 1_000, 25_000);
    const roll = this.rng.next();
    const answer = roll < 0.65 ? "accept" : roll < 0.85 ? "decline" : "ignore";
    if (answer === "ignore") return;
    this.at(
      this.world.nowMs + delay,
      `courier ${short(driverId)} ${answer}s ${short(offer.offerId)}`,
      () => {
        if (this.silent(driverId)) return;
        const held = this.world.couriers.get(driverId)!.state.offer;
        if (held?.offerId !== offer.offerId) return;
        this.world.courierCommand(driverId, {
          type: answer === "accept" ? "accept" : "decline",
          offerId: offer.offerId,
        });
      },
    );
  }

  /** The courier's next move on its trip, once a while: ride, arrive, pick up, deliver. */
  private rideLater(driverId: string, afterMs: number): void {
    this.at(this.world.nowMs + afterMs, `courier ${short(driverId)} rides`, () =>
      this.ride(driverId),
    );
  }

  private ride(driverId: string): void {
    const state = this.world.couriers.get(driverId)!.state;
    if (state.jobs.length === 0) return;
    if (this.silent(driverId)) {
      this.rideLater(driverId, 20_000);
      return;
    }
    // The courier works the first job that is still theirs (an update may be on its way).
    const job = [...state.jobs]
      .sort((a, b) => (a.orderId < b.orderId ? -1 : 1))
      .find((j) => {
        const truth = this.world.orders.get(j.orderId)!.order;
        return truth.driverId === driverId && !TERMINAL.has(truth.status);
      });
    if (!job) {
      this.rideLater(driverId, 20_000);
      return;
    }
    const truth = this.world.orders.get(job.orderId)!.order;
    const step = (orderId: string, command: OrderCommand) =>
      this.world.send({ kind: "order", id: orderId }, { type: "driver_step", command });
    const here = state.position ?? job.restaurant.location;
    if (truth.driverStage === "assigned") {
      const far = distanceM(here, job.restaurant.location);
      this.fix(driverId, job.restaurant.location);
      step(job.orderId, { type: "driver_arrived_at_restaurant", driverId });
      this.rideLater(driverId, Math.max(5_000, (far / SPEED_MPS) * 1_000));
      return;
    }
    if (truth.driverStage === "at_restaurant") {
      // Every order of the trip leaves the counter together, once ready.
      for (const other of state.jobs) step(other.orderId, { type: "pick_up", driverId });
      this.rideLater(driverId, 30_000);
      return;
    }
    if (truth.driverStage === "en_route" || truth.driverStage === "at_dropoff") {
      const door = { lat: job.dropoff.lat, lng: job.dropoff.lng };
      const far = distanceM(here, door);
      this.at(
        this.world.nowMs + Math.max(5_000, (far / SPEED_MPS) * 1_000),
        `courier ${short(driverId)} at the door`,
        () => {
          this.fix(driverId, door);
          step(job.orderId, { type: "driver_arrived_at_dropoff", driverId });
          step(job.orderId, { type: "deliver", driverId });
          this.rideLater(driverId, 10_000);
        },
      );
      return;
    }
    this.rideLater(driverId, 20_000);
  }

  private fix(driverId: string, point: LatLng): void {
    this.world.courierCommand(driverId, {
      type: "fix",
      fix: { lat: point.lat, lng: point.lng, accuracyM: 5, at: this.world.nowMs },
    });
  }

  private silent(driverId: string): boolean {
    return (this.silentUntil.get(driverId) ?? 0) > this.world.nowMs;
  }

  // ---- faults ----------------------------------------------------------------------------------

  private faults(atMs: number): void {
    if (atMs > START_MS + this.options.busyMinutes * MINUTE) return;
    this.at(atMs, "fault", () => {
      if (!this.calm) this.strike();
      this.faults(atMs + intBetween(this.rng, 5_000, 40_000));
    });
  }

  private strike(): void {
    const roll = this.rng.next();
    const courierId = pick(this.rng, this.courierIds);
    const courier = this.world.couriers.get(courierId)!;
    if (roll < 0.2) {
      const kinds = ["courier", "zone", "order"] as const;
      const kind = pick(this.rng, kinds);
      const id =
        kind === "courier"
          ? courierId
          : kind === "zone"
            ? pick(this.rng, [...this.world.zones.keys(), ""])
            : pick(this.rng, [...this.world.orders.keys(), ""]);
      if (id) {
        this.note(`restart ${kind} ${short(id)}`);
        this.world.restart({ kind, id });
      }
    } else if (roll < 0.35) {
      if (!courier.state.online || isBusy(courier.state)) return;
      this.note(`courier ${short(courierId)} offline`);
      this.world.courierCommand(courierId, { type: "go_offline" });
      this.at(
        this.world.nowMs + intBetween(this.rng, 30_000, 300_000),
        `courier ${short(courierId)} back online`,
        () => {
          this.world.courierCommand(courierId, { type: "go_online" });
        },
      );
    } else if (roll < 0.5) {
      this.note(`courier ${short(courierId)} silent`);
      this.silentUntil.set(courierId, this.world.nowMs + intBetween(this.rng, 30_000, 180_000));
    } else if (roll < 0.62) {
      const waiting = [...this.world.orders.values()].filter(
        ({ order }) =>
          order.readyBy !== null && order.driverId === null && !TERMINAL.has(order.status),
      );
      if (waiting.length === 0) return;
      const { order } = pick(this.rng, waiting);
      this.note(`admin assigns ${short(order.id)} to ${short(courierId)}`);
      this.world.courierCommand(courierId, {
        type: "assign_by_admin",
        orderId: order.id,
        adminId: "admin",
        commandId: this.world.uuid(),
      });
    } else if (roll < 0.74) {
      const assigned = [...this.world.orders.values()].filter(
        ({ order }) =>
          order.driverId !== null &&
          (order.driverStage === "assigned" || order.driverStage === "at_restaurant") &&
          !TERMINAL.has(order.status),
      );
      if (assigned.length === 0) return;
      const { order } = pick(this.rng, assigned);
      this.note(`admin unassigns ${short(order.id)}`);
      this.world.orderCommand(
        order.id,
        { type: "unassign_driver", driverId: order.driverId! },
        { role: "admin", userId: "admin" },
      );
    } else if (roll < 0.86) {
      const jumpMs = intBetween(this.rng, 10_000, 120_000);
      this.note(`clock jumps ${Math.round(jumpMs / 1000)} s`);
      this.world.nowMs += jumpMs;
    }
  }

  /** The busy time is over: no more faults, a calm network, every courier online and answering. */
  private calmDown(): void {
    this.calm = true;
    this.note("calm");
    this.world.network.faults = calmNetwork;
    this.silentUntil.clear();
    for (const id of this.courierIds) {
      if (!this.world.couriers.get(id)!.state.online) {
        this.world.courierCommand(id, { type: "go_online" });
      }
      this.rideLater(id, 1_000);
    }
  }

  // ---- the agenda ------------------------------------------------------------------------------

  private at(atMs: number, what: string, run: () => void): void {
    // Whole milliseconds, as the platform's clocks give them (stored times are integers).
    this.agenda.push({ atMs: Math.round(atMs), seq: this.seq++, what, run });
  }

  private nextAction(): Action | null {
    let best: Action | null = null;
    for (const a of this.agenda) {
      if (!best || a.atMs < best.atMs || (a.atMs === best.atMs && a.seq < best.seq)) best = a;
    }
    return best;
  }

  private note(what: string): void {
    if (this.options.trace) this.trace.push(`${this.clock()} ${what}`);
  }

  private clock(): string {
    return `+${((this.world.nowMs - START_MS) / 1_000).toFixed(1)}s`;
  }
}

/** A point within `radiusM` of `centre`, uniform over the square around it. */
function around(rng: Random, centre: LatLng, radiusM: number): LatLng {
  const dLat = between(rng, -radiusM, radiusM) / 111_320;
  const dLng = between(rng, -radiusM, radiusM) / (111_320 * Math.cos((centre.lat * Math.PI) / 180));
  return { lat: centre.lat + dLat, lng: centre.lng + dLng };
}

function minOf(...values: Array<number | null>): number | null {
  let min: number | null = null;
  for (const v of values) if (v !== null && (min === null || v < min)) min = v;
  return min;
}

function short(id: string): string {
  return id.slice(0, 8);
}
