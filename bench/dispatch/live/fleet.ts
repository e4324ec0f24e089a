import { WebSocket } from "ws";
import type { Stack } from "../../../infra/local/stack.ts";
import type { LiveTarget, SocketTicket } from "../../../schema/auth.ts";
import type { DriverClientMessage, DriverServerMessage } from "../../../schema/dispatch.ts";
import type { LatLng } from "../../../schema/geo.ts";
import type { OrderServerMessage } from "../../../schema/sockets.ts";
import { drive, gpsFix, headFor, wander } from "../../../sim/courier.ts";

import {
  ACCEPT_DELAY_MS_MAX,
  ACCEPT_DELAY_MS_MIN,
  AT_THE_COUNTER,
  CONNECT_CONCURRENCY,
  CONNECT_MS_MAX,
  counts,
  drivers,
  FIX_EVERY_MS,
  fail,
  fleet,
  openSockets,
  orders,
  PENDING_FIXES_MAX,
  type PlacedOrder,
  REQUEST_TIMEOUT_MS,
  rand,
  type SimDriver,
  type TrackedOrder,
  tracked,
  trackingLatencies,
  waitUntil,
  world,
} from "./world.ts";

/** Every courier: a ticket, a socket and `go_online`; then all report a fix every 2 s, each from a random phase. */
export async function connectFleet(s: Stack): Promise<void> {
  const queue = [...drivers.values()];
  const deadline = performance.now() + CONNECT_MS_MAX;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      for (let d = queue.shift(); d && performance.now() < deadline; d = queue.shift()) {
        try {
          await connectDriver(s, d);
        } catch (error) {
          fail(`driver connect: ${String(error)}`);
        }
      }
    }),
  );
  await waitUntil(() => counts.driversOnline >= counts.driversConnected, 10_000);
  // Reporting starts once the whole fleet is in (each courier from a random phase of the 2 s), so
  // logging in is not slowed by the fixes of those already in, and the load is steady from here.
  fleet.reporting = true;
  for (const d of drivers.values()) if (d.online) startReporting(d);
}

export async function connectDriver(s: Stack, d: SimDriver): Promise<void> {
  const ticket = await ticketFor(s, d.token, { kind: "driver", id: d.id });
  const socket = await openSocket(`${s.workerUrl.replace(/^http/, "ws")}${ticket.url}`, (data) =>
    onDriverMessage(d, JSON.parse(data) as DriverServerMessage),
  );
  d.socket = socket;
  socket.on("close", (code) => {
    if (!fleet.reporting) return;
    counts.driverSocketsClosed++;
    fail(`driver socket closed mid-run: ${code}`);
  });
  counts.driversConnected++;
  sendDriver(d, { type: "go_online", commandId: `online-${d.id}` });
}

export function onDriverMessage(d: SimDriver, message: DriverServerMessage): void {
  switch (message.type) {
    case "result":
      if (message.commandId.startsWith("online-")) {
        if (message.ok && !d.online) {
          d.online = true;
          counts.driversOnline++;
          if (fleet.reporting) startReporting(d);
        } else if (!message.ok) fail(`go_online: ${message.error?.code}`);
      } else if (message.commandId.startsWith("accept-")) {
        if (message.ok) counts.offersAccepted++;
        else if (message.error?.code === "offer.taken") counts.offersLost++;
        else fail(`accept_offer: ${message.error?.code}`);
      }
      return;
    case "offer": {
      const arrivedAt = performance.now();
      counts.offersReceived++;
      for (const orderId of message.offer.orderIds) {
        const order = orders.get(orderId);
        if (order && order.offerAt === null) order.offerAt = arrivedAt;
      }
      const offerId = message.offer.offerId;
      const delayMs = ACCEPT_DELAY_MS_MIN + rand() * (ACCEPT_DELAY_MS_MAX - ACCEPT_DELAY_MS_MIN);
      setTimeout(() => {
        if (d.socket?.readyState === WebSocket.OPEN)
          sendDriver(d, { type: "accept_offer", commandId: `accept-${offerId}`, offerId });
      }, delayMs);
      return;
    }
    case "job": {
      const job = message.job;
      const over =
        job.status === "delivered" || job.status === "cancelled" || job.status === "rejected";
      if (job.driverId !== d.id || over) {
        d.jobs.delete(job.orderId);
        return;
      }
      if (d.jobs.has(job.orderId)) return;
      d.jobs.add(job.orderId);
      const counter = job.restaurant.location;
      d.courier = headFor(world.rng, { ...d.courier, home: counter }, counter, AT_THE_COUNTER);
      d.policy = AT_THE_COUNTER;
      const order = orders.get(job.orderId);
      if (order && order.driverId === null) {
        order.driverId = d.id;
        counts.ordersAssigned++;
        watchOrder(order).catch((error: unknown) => fail(`order socket: ${String(error)}`));
      }
      return;
    }
    case "job_removed":
      d.jobs.delete(message.orderId);
      return;
    case "fix_refused":
      counts.fixesRefused++;
      fail(`fix refused: ${message.why.replace(/\d+/g, "N")}`);
      return;
    case "error":
      fail(`driver socket error: ${message.error.code}`);
      return;
    default:
      return;
  }
}

export function startReporting(d: SimDriver): void {
  const phaseMs = rand() * FIX_EVERY_MS;
  d.timer = setTimeout(() => {
    if (!fleet.reporting) return;
    sendFix(d);
    d.timer = setInterval(() => sendFix(d), FIX_EVERY_MS);
  }, phaseMs);
}

export function stopFleet(): void {
  fleet.reporting = false;
  for (const d of drivers.values()) {
    if (d.timer) clearTimeout(d.timer);
    d.timer = null;
  }
}

/** One step of the courier's walk, then the fix a phone would report from there. */
export function sendFix(d: SimDriver): void {
  if (!fleet.reporting || d.socket?.readyState !== WebSocket.OPEN) return;
  d.courier = drive(d.courier, FIX_EVERY_MS);
  if (d.courier.route.length === 0) d.courier = wander(world.rng, d.courier, d.policy);
  const fix = gpsFix(world.rng, d.courier, Math.max(Date.now(), d.lastFixAtMs + 1));
  d.lastFixAtMs = fix.at;
  const sentAt = performance.now();
  for (const orderId of d.jobs) {
    const watching = tracked.get(orderId);
    if (!watching || watching.readyAt === null) continue;
    watching.fixesSent++;
    watching.pending.set(positionKey(fix), sentAt);
    if (watching.pending.size > PENDING_FIXES_MAX)
      watching.pending.delete(watching.pending.keys().next().value!);
  }
  counts.fixesSent++;
  sendDriver(d, { type: "fix", fix });
}

/** The customer opens their order's socket once a courier has it, as the app's map does. */
export async function watchOrder(order: PlacedOrder): Promise<void> {
  const s = world.stack!;
  const ticket = await ticketFor(s, order.customerToken, { kind: "order", id: order.id });
  const watching: TrackedOrder = {
    orderId: order.id,
    readyAt: null,
    pending: new Map(),
    fixesSent: 0,
    fixesMatched: 0,
  };
  await openSocket(`${s.workerUrl.replace(/^http/, "ws")}${ticket.url}`, (data) => {
    const arrivedAt = performance.now();
    const message = JSON.parse(data) as OrderServerMessage;
    if (message.type === "snapshot" && watching.readyAt === null) {
      watching.readyAt = arrivedAt;
      tracked.set(order.id, watching);
    } else if (message.type === "tracking") {
      const key = positionKey(message.tracking.position);
      const sentAt = watching.pending.get(key);
      if (sentAt === undefined) {
        counts.trackingOther++;
        return;
      }
      watching.pending.delete(key);
      watching.fixesMatched++;
      trackingLatencies.push(arrivedAt - sentAt);
    }
  });
}

export async function ticketFor(
  s: Stack,
  token: string,
  target: LiveTarget,
): Promise<SocketTicket> {
  const response = await fetch(`${s.workerUrl}/api/live/tickets`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ target }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (response.status !== 200) throw new Error(`ticket ${target.kind}: ${response.status}`);
  return (await response.json()) as SocketTicket;
}

/** Opens a socket with its message handler attached first, so no frame is missed. */
export function openSocket(url: string, onMessage: (data: string) => void): Promise<WebSocket> {
  const socket = new WebSocket(url);
  openSockets.add(socket);
  socket.on("message", (data) => onMessage(String(data)));
  socket.on("close", () => openSockets.delete(socket));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`socket did not open within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    socket.once("open", () => {
      clearTimeout(timer);
      socket.on("error", () => counts.socketErrors++);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export function closeAll(): void {
  for (const socket of openSockets) socket.terminate();
  openSockets.clear();
}

export function sendDriver(d: SimDriver, message: DriverClientMessage): void {
  d.socket?.send(JSON.stringify(message));
}

/** Polls `done` every 10 ms until it holds or `timeoutMs` passes; `() => false` simply waits. */

export function positionKey(p: LatLng): string {
  return `${p.lat}:${p.lng}`;
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
