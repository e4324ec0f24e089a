import { WebSocket } from "ws";
import { DEMO_CITY } from "../../../infra/demo/city.ts";
import { pointNear } from "../../../sim/geo.ts";
import { openSocket, round } from "./fleet.ts";
import {
  CONNECT_CONCURRENCY,
  CONNECT_MS_MAX,
  DRAIN_MS,
  FIX_EVERY_MS,
  fail,
  ROAM,
  rand,
  waitUntil,
  world,
} from "./world.ts";

/**
 * The baseline: `rooms` rooms on a bare Durable Object, each with one sending and one receiving
 * socket; every sender sends a tracking-sized frame every 2 s (random phase), the DO forwards it.
 */
export async function measureRelay(port: number, rooms: number, durationMs: number) {
  const latencies: number[] = [];
  let sent = 0;
  let received = 0;
  let sending = true;
  const senders: WebSocket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const queue = Array.from({ length: rooms }, (_, i) => i);
  const deadline = performance.now() + CONNECT_MS_MAX;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      for (
        let i = queue.shift();
        i !== undefined && performance.now() < deadline;
        i = queue.shift()
      ) {
        try {
          const url = `ws://127.0.0.1:${port}/relay/dispatch-${i}`;
          await openSocket(`${url}?relay=receive`, (data) => {
            const frame = JSON.parse(data) as { sentAt: number };
            received++;
            latencies.push(performance.now() - frame.sentAt);
          });
          senders.push(await openSocket(`${url}?relay=send`, () => {}));
        } catch (error) {
          fail(`relay connect: ${String(error)}`);
        }
      }
    }),
  );
  for (const [i, sender] of senders.entries()) {
    let position = pointNear(world.rng, DEMO_CITY.center, ROAM.wanderRadiusM);
    const tick = () => {
      if (!sending || sender.readyState !== WebSocket.OPEN) return;
      position = pointNear(world.rng, position, 16);
      const at = new Date().toISOString();
      sent++;
      // Shaped like the order actor's `tracking` frame, so both sides parse as much JSON.
      sender.send(
        JSON.stringify({
          type: "tracking",
          tracking: {
            driverId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
            position: { lat: round(position.lat, 7), lng: round(position.lng, 7), at },
            pickupEta: at,
            dropoffEta: at,
          },
          sentAt: performance.now(),
        }),
      );
    };
    timers.push(
      setTimeout(() => {
        tick();
        timers.push(setInterval(tick, FIX_EVERY_MS));
      }, rand() * FIX_EVERY_MS),
    );
  }
  await waitUntil(() => false, durationMs);
  sending = false;
  for (const timer of timers) clearTimeout(timer);
  await waitUntil(() => false, DRAIN_MS);
  return { latencies, sent, received };
}
