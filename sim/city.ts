import { randomUUID } from "node:crypto";
import type ReconnectingWebSocket from "partysocket/ws";
import { pick, poissonGapMs, type Random, seeded } from "../domain/random.ts";
import {
  DEMO_CITY,
  DEMO_CUSTOMERS,
  DEMO_DRIVERS,
  DEMO_PASSWORDS,
  DEMO_STAFF,
  PEOPLE_LEFT_FOR_HUMANS,
} from "../infra/demo/city.ts";
import { backoff, backoffDelayMs } from "../runtime/retry.ts";
import type { RestaurantSummary, RestaurantWithMenu } from "../schema/catalog.ts";
import { DriverServerMessage, type Job, type Offer } from "../schema/dispatch.ts";
import type { Wallet } from "../schema/ledger.ts";
import type { Order, OrderView } from "../schema/orders.ts";
import { RestaurantServerMessage, type Ticket } from "../schema/sockets.ts";
import { Account } from "./api.ts";
import type { SimConfig } from "./config.ts";
import {
  answerOffer,
  type Courier,
  drive,
  gpsFix,
  hauntOf,
  headFor,
  nextFixGapMs,
  nextStep,
  startShift,
  wander,
} from "./courier.ts";
import { pickCart, pickRestaurant, tipCents } from "./customer.ts";
import { answerTicket } from "./kitchen.ts";

/** One JSON line per notable event: `{ at, event, ...fields }`. */
export type Log = (event: string, fields?: Record<string, unknown>) => void;

/** WebSocket's readyState when open. */
const OPEN = 1;
/** Orders being placed at once: a slow stack makes arrivals wait rather than pile up. */
const PLACING_MAX = 4;
/**
 * Times a kitchen looks (a second apart) for a new ticket among the sim's orders before leaving
 * it to people: placement answers well within this on a healthy stack.
 */
const OWNER_LOOKS_MAX = 15;
/** How long a driver command may go unanswered (no job change) before it is sent again. */
const COMMAND_RESEND_MS = 8_000;
/** Restarts of a failing actor back off from 1 s to 30 s, with jitter, for as long as the city runs. */
const RESTART_BACKOFF = backoff("sim.restart", {
  baseMs: 1_000,
  maxMs: 30_000,
  attemptsMax: Number.POSITIVE_INFINITY,
});
/** An actor that ran this long before failing starts its backoff over. */
const HEALTHY_RUN_MS = 60_000;
/** The first frame on a fresh socket must come within this, or the actor restarts. */
const FIRST_FRAME_MS = 20_000;
/** Open restaurants are re-read this often: opening hours change through the day. */
const RESTAURANTS_REFRESH_MS = 5 * 60_000;
/** Orders the sim remembers (for the hand-over of codes); the oldest are forgotten first. */
const ORDERS_REMEMBERED_MAX = 500;

export type City = {
  /** Resolves when every actor has stopped (after `stop`, or after the configured duration). */
  done: Promise<void>;
  stop(): Promise<void>;
};

/**
 * The demo city: couriers on the road, kitchens answering tickets and customers ordering, all as
 * clients of the public API and sockets. Every actor is supervised: an error is logged and the
 * actor restarts with backoff; nothing here can take the platform down with it.
 */
export function runCity(config: SimConfig, log: Log): City {
  const rng = seeded(config.seed);
  const abort = new AbortController();
  const stopped = () => abort.signal.aborted;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped()) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        abort.signal.removeEventListener("abort", done);
        resolve();
      }
      abort.signal.addEventListener("abort", done);
    });
  const account = (email: string, password: string) =>
    new Account(config.baseUrl, email, password, sleep);

  const customers = DEMO_CUSTOMERS.slice(PEOPLE_LEFT_FOR_HUMANS).map((c) => ({
    ...c,
    account: account(c.email, DEMO_PASSWORDS.customer),
  }));
  const couriers = DEMO_DRIVERS.slice(
    PEOPLE_LEFT_FOR_HUMANS,
    PEOPLE_LEFT_FOR_HUMANS + config.drivers,
  );
  /** Which customer placed each of the sim's orders: the courier asks them for the code. */
  const orderOwners = new Map<string, Account>();
  const kitchens = new Map<string, Promise<void>>();
  const tasks: Promise<void>[] = [];
  const sockets = new Set<ReconnectingWebSocket>();

  /** Runs `body` until the city stops, restarting it with backoff after each failure. */
  function supervise(actor: string, body: () => Promise<void>): Promise<void> {
    const task = (async () => {
      let failures = 0;
      while (!stopped()) {
        const startedAt = Date.now();
        try {
          await body();
          if (!stopped()) throw new Error("stopped by itself");
        } catch (error) {
          if (stopped()) break;
          failures = Date.now() - startedAt > HEALTHY_RUN_MS ? 1 : failures + 1;
          const backoffMs = backoffDelayMs(failures, RESTART_BACKOFF, rng.next());
          log("actor_failed", {
            actor,
            error: error instanceof Error ? error.message : String(error),
            retryInMs: Math.round(backoffMs),
          });
          await sleep(backoffMs);
        }
      }
    })();
    tasks.push(task);
    return task;
  }

  /** Waits (bounded) for a socket's first frame; the actor restarts if it never comes. */
  function firstFrame(socket: ReconnectingWebSocket, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: no first frame within ${FIRST_FRAME_MS} ms`)),
        FIRST_FRAME_MS,
      );
      socket.addEventListener(
        "message",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
      abort.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  function remember(orderId: string, owner: Account) {
    orderOwners.set(orderId, owner);
    if (orderOwners.size > ORDERS_REMEMBERED_MAX) {
      orderOwners.delete(orderOwners.keys().next().value!);
    }
  }

  /** The hand-over: the customer reads the code off their own order and tells the courier. */
  async function deliveryCode(orderId: string): Promise<string | null> {
    const owner = orderOwners.get(orderId);
    if (!owner) return null;
    const reply = await owner.call<OrderView>(`/api/orders/${orderId}`);
    return reply.status === 200 ? reply.body.deliveryCode : null;
  }

  // ---- couriers ------------------------------------------------------------------------------

  async function runCourier(demo: (typeof couriers)[number], own: Random): Promise<void> {
    const me = account(demo.email, DEMO_PASSWORDS.driver);
    await me.signIn();
    const haunt = hauntOf(demo.home, await openRestaurants(me).catch(() => []));
    let courier: Courier = startShift(own, demo.home, haunt, config.courier);
    let jobs = new Map<string, Job>();
    const pending = new Map<string, number>();
    const timers = new Set<NodeJS.Timeout>();
    let commandCount = 0;
    const send = (message: object) => {
      if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
    };
    const commandId = (kind: string) => `sim-${kind}-${++commandCount}-${randomUUID().slice(0, 8)}`;
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped()) fn();
      }, ms);
      timers.add(timer);
    };
    const onOffer = (offer: Offer) => {
      const answer = answerOffer(own, offer, Date.now(), orderOwners, config.courier);
      later(answer.afterMs, () => {
        if (answer.kind === "accept") {
          send({ type: "accept_offer", commandId: commandId("accept"), offerId: offer.offerId });
          log("offer_accepted", {
            driver: demo.name,
            orderIds: offer.orderIds,
            earningsCents: offer.earningsCents,
          });
        } else {
          send({
            type: "decline_offer",
            commandId: commandId("decline"),
            offerId: offer.offerId,
            reason: answer.reason,
          });
          log("offer_declined", {
            driver: demo.name,
            orderIds: offer.orderIds,
            reason: answer.reason,
          });
        }
      });
    };
    const socket = me.live({ kind: "driver", id: me.userId }, (data) => {
      const parsed = DriverServerMessage.safeParse(JSON.parse(data));
      if (!parsed.success) return;
      const message = parsed.data;
      switch (message.type) {
        case "state": {
          jobs = new Map(message.driver.jobs.map((j) => [j.orderId, j]));
          if (!message.driver.online && !stopped()) {
            send({ type: "go_online", commandId: commandId("online") });
            log("driver_online", { driver: demo.name });
          }
          if (message.driver.offer) onOffer(message.driver.offer);
          break;
        }
        case "offer":
          onOffer(message.offer);
          break;
        case "job": {
          const before = jobs.get(message.job.orderId);
          jobs.set(message.job.orderId, message.job);
          if (before?.driverStage !== message.job.driverStage) {
            for (const key of pending.keys())
              if (key.endsWith(message.job.orderId)) pending.delete(key);
            if (message.job.driverStage === "done" || message.job.status === "delivered") {
              log("order_delivered", { driver: demo.name, orderId: message.job.orderId });
            }
          }
          break;
        }
        case "job_removed":
          jobs.delete(message.orderId);
          for (const key of pending.keys()) if (key.endsWith(message.orderId)) pending.delete(key);
          if (message.why === "delivered")
            log("order_delivered", { driver: demo.name, orderId: message.orderId });
          else
            log("job_removed", { driver: demo.name, orderId: message.orderId, why: message.why });
          break;
        case "result":
          if (!message.ok) {
            log("command_refused", {
              driver: demo.name,
              commandId: message.commandId,
              code: message.error?.code,
            });
          }
          break;
        case "error":
          log("driver_socket_error", { driver: demo.name, code: message.error.code });
          break;
        default:
          break;
      }
    });
    sockets.add(socket);
    try {
      await firstFrame(socket, `driver ${demo.name}`);
      let lastMs = Date.now();
      while (!stopped()) {
        await sleep(nextFixGapMs(own, config.courier));
        if (stopped()) break;
        const nowMs = Date.now();
        courier = drive(courier, nowMs - lastMs);
        lastMs = nowMs;
        // The fix first: the arrival the command below claims is judged on it.
        send({ type: "fix", fix: gpsFix(own, courier, nowMs) });
        const step = nextStep([...jobs.values()], courier.position, config.courier);
        if (step.kind === "wander") courier = wander(own, courier, config.courier);
        else if (step.kind === "drive") courier = headFor(own, courier, step.to, config.courier);
        else if (step.kind === "command") {
          const key = `${step.command}:${step.orderId}`;
          if (nowMs - (pending.get(key) ?? 0) < COMMAND_RESEND_MS) continue;
          pending.set(key, nowMs);
          if (step.command === "deliver") {
            const code = await deliveryCode(step.orderId);
            if (!code) {
              log("code_unavailable", { driver: demo.name, orderId: step.orderId });
              continue;
            }
            send({ type: "deliver", commandId: commandId("deliver"), orderId: step.orderId, code });
          } else {
            send({ type: step.command, commandId: commandId(step.command), orderId: step.orderId });
          }
          log(step.command, { driver: demo.name, orderId: step.orderId });
        }
      }
    } finally {
      // Polite to the end: the courier signs off, so dispatch stops offering them work (one
      // still holding a job cannot, and the platform's own timeouts take it from there).
      if (jobs.size === 0) send({ type: "go_offline", commandId: commandId("offline") });
      for (const timer of timers) clearTimeout(timer);
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.close();
      sockets.delete(socket);
    }
  }

  // ---- kitchens ------------------------------------------------------------------------------

  /** Starts (once) the staff of one restaurant; resolves when their board is up. */
  function kitchenFor(restaurant: RestaurantSummary): Promise<void> {
    const existing = kitchens.get(restaurant.id);
    if (existing) return existing;
    const staff = DEMO_STAFF.find((s) => s.restaurantSlug === restaurant.slug);
    if (!staff) return Promise.resolve();
    let ready: () => void = () => {};
    const up = new Promise<void>((resolve) => {
      ready = resolve;
    });
    kitchens.set(restaurant.id, up);
    const own = seeded(Math.floor(rng.next() * 2 ** 32));
    supervise(`kitchen ${restaurant.name}`, () => runKitchen(restaurant, staff.email, own, ready));
    return up;
  }

  async function runKitchen(
    restaurant: RestaurantSummary,
    email: string,
    own: Random,
    ready: () => void,
  ): Promise<void> {
    const me = account(email, DEMO_PASSWORDS.restaurant);
    await me.signIn();
    const handled = new Map<string, NodeJS.Timeout>();
    let count = 0;
    const send = (message: object) => {
      if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
    };
    const at = (orderId: string, ms: number, fn: () => void) => {
      clearTimeout(handled.get(orderId));
      handled.set(
        orderId,
        setTimeout(() => !stopped() && fn(), Math.max(0, ms)),
      );
    };
    const markReady = (orderId: string) => {
      send({ type: "mark_ready", commandId: `sim-ready-${++count}`, orderId });
      log("ticket_ready", { restaurant: restaurant.name, orderId });
    };
    const looks = new Set<NodeJS.Timeout>();
    const onTicket = (ticket: Ticket, looksLeft = OWNER_LOOKS_MAX) => {
      const open =
        ticket.status === "placed" || ticket.status === "accepted" || ticket.status === "preparing";
      if (!open) {
        clearTimeout(handled.get(ticket.orderId));
        handled.delete(ticket.orderId);
        return;
      }
      if (handled.has(ticket.orderId)) return;
      // Only the sim's own orders: a person's order waits for a person on the board. The ticket
      // can ring before the customer's POST has answered with the order's id: look again shortly.
      if (!orderOwners.has(ticket.orderId)) {
        if (looksLeft <= 0) return;
        const timer = setTimeout(() => {
          looks.delete(timer);
          if (!stopped()) onTicket(ticket, looksLeft - 1);
        }, 1_000);
        looks.add(timer);
        return;
      }
      if (ticket.status !== "placed") {
        // Picked up again after a reconnect: ready when it was due.
        at(ticket.orderId, ticket.readyBy ? Date.parse(ticket.readyBy) - Date.now() : 0, () =>
          markReady(ticket.orderId),
        );
        return;
      }
      const answer = answerTicket(own, config.kitchen);
      at(ticket.orderId, answer.afterMs, () => {
        if (answer.kind === "reject") {
          send({
            type: "reject",
            commandId: `sim-reject-${++count}`,
            orderId: ticket.orderId,
            reason: answer.reason,
          });
          log("ticket_rejected", {
            restaurant: restaurant.name,
            orderId: ticket.orderId,
            reason: answer.reason,
          });
          return;
        }
        send({
          type: "accept",
          commandId: `sim-accept-${++count}`,
          orderId: ticket.orderId,
          prepMinutes: answer.prepMinutes,
        });
        log("ticket_accepted", {
          restaurant: restaurant.name,
          orderId: ticket.orderId,
          prepMinutes: answer.prepMinutes,
        });
        at(ticket.orderId, answer.readyAfterMs, () => markReady(ticket.orderId));
      });
    };
    const socket = me.live({ kind: "restaurant", id: restaurant.id }, (data) => {
      const parsed = RestaurantServerMessage.safeParse(JSON.parse(data));
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === "board") {
        ready();
        for (const ticket of message.tickets) onTicket(ticket);
      } else if (message.type === "ticket.new" || message.type === "ticket.updated") {
        onTicket(message.ticket);
      } else if (message.type === "result" && !message.ok) {
        log("command_refused", {
          restaurant: restaurant.name,
          commandId: message.commandId,
          code: message.error?.code,
        });
      }
    });
    sockets.add(socket);
    try {
      await firstFrame(socket, `kitchen ${restaurant.name}`);
      // The board runs on its socket's messages; this actor just stays until the city stops.
      while (!stopped()) await sleep(60_000);
    } finally {
      for (const timer of handled.values()) clearTimeout(timer);
      for (const timer of looks) clearTimeout(timer);
      socket.close();
      sockets.delete(socket);
    }
  }

  // ---- customers -----------------------------------------------------------------------------

  let restaurants: Promise<RestaurantSummary[]> | null = null;
  let restaurantsReadAt = 0;
  const menus = new Map<string, RestaurantWithMenu>();

  /** The city's restaurants, read once and shared by every actor until it is time to re-read. */
  function openRestaurants(via: Account): Promise<RestaurantSummary[]> {
    if (!restaurants || Date.now() - restaurantsReadAt > RESTAURANTS_REFRESH_MS) {
      restaurantsReadAt = Date.now();
      menus.clear();
      const { lat, lng } = DEMO_CITY.center;
      restaurants = via
        .call<{ restaurants: RestaurantSummary[] }>(
          `/api/restaurants?lat=${lat}&lng=${lng}&radiusM=10000&limit=100`,
        )
        .then((reply) => {
          if (reply.status !== 200) throw new Error(`restaurants: ${reply.status}`);
          return reply.body.restaurants;
        });
      // A failed read is tried again by the next caller, not remembered.
      restaurants.catch(() => {
        restaurants = null;
      });
    }
    return restaurants;
  }

  async function placeOrder(customer: (typeof customers)[number]): Promise<void> {
    const me = customer.account;
    const restaurant = pickRestaurant(
      rng,
      await openRestaurants(me),
      customer.home,
      config.customer,
    );
    if (!restaurant) {
      log("order_skipped", { customer: customer.name, why: "nothing open nearby" });
      return;
    }
    let menu = menus.get(restaurant.id);
    if (!menu) {
      const reply = await me.call<RestaurantWithMenu>(`/api/restaurants/${restaurant.id}`);
      if (reply.status !== 200) throw new Error(`menu ${restaurant.name}: ${reply.status}`);
      menu = reply.body;
      menus.set(restaurant.id, menu);
    }
    const items = pickCart(rng, menu.menu, config.customer);
    if (!items) {
      log("order_skipped", {
        customer: customer.name,
        why: `nothing orderable at ${restaurant.name}`,
      });
      return;
    }
    // The kitchen's staff are on their board before the ticket rings (or soon after: the board
    // they get on connecting lists it anyway).
    await Promise.race([kitchenFor(restaurant), sleep(10_000)]);
    const wallet = await me.call<Wallet>("/api/wallet");
    if (
      wallet.status === 200 &&
      wallet.body.money.availableCents < config.customer.topUpBelowCents
    ) {
      await me.topUp(config.customer.topUpCents, `sim-top-up-${randomUUID()}`);
      log("wallet_topped_up", { customer: customer.name, amountCents: config.customer.topUpCents });
    }
    const placed = await me.call<Order>("/api/orders", {
      body: {
        restaurantId: restaurant.id,
        items,
        deliveryAddress: { lat: customer.home.lat, lng: customer.home.lng, text: customer.address },
        tipCents: tipCents(rng, config.customer),
        idempotencyKey: `sim-${randomUUID()}`,
      },
    });
    if (placed.status !== 201) {
      log("order_refused", {
        customer: customer.name,
        restaurant: restaurant.name,
        status: placed.status,
        error: (placed.body as { error?: unknown })?.error,
      });
      return;
    }
    remember(placed.body.id, me);
    log("order_placed", {
      customer: customer.name,
      restaurant: restaurant.name,
      orderId: placed.body.id,
      items: items.length,
      totalCents: placed.body.pricing.totalCents,
    });
  }

  async function runCustomers(): Promise<void> {
    let placing = 0;
    while (!stopped()) {
      await sleep(poissonGapMs(rng, config.ratePerMinute));
      if (stopped()) break;
      if (placing >= PLACING_MAX) {
        log("order_deferred", { why: `${PLACING_MAX} orders already being placed` });
        continue;
      }
      const customer = pick(rng, customers);
      placing++;
      placeOrder(customer)
        .catch((error: unknown) =>
          log("order_failed", {
            customer: customer.name,
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          placing--;
        });
    }
  }

  // ---- the whole city ------------------------------------------------------------------------

  log("sim_started", {
    baseUrl: config.baseUrl,
    drivers: couriers.length,
    ratePerMinute: config.ratePerMinute,
    seed: config.seed,
  });
  for (const demo of couriers) {
    const own = seeded(Math.floor(rng.next() * 2 ** 32));
    supervise(`courier ${demo.name}`, () => runCourier(demo, own));
  }
  supervise("customers", runCustomers);
  const durationTimer =
    config.durationMs > 0 ? setTimeout(() => abort.abort(), config.durationMs) : undefined;

  const done = (async () => {
    await new Promise<void>((resolve) => abort.signal.addEventListener("abort", () => resolve()));
    // Tasks started after the abort (none should be) are not awaited; the list is only read now.
    await Promise.allSettled(tasks);
    for (const socket of sockets) socket.close();
    clearTimeout(durationTimer);
    log("sim_stopped", {});
  })();
  return {
    done,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}
