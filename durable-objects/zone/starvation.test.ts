import { beforeAll, describe, expect, it } from "vitest";
import { defaultDispatchPolicy } from "../../dispatch/escalation.ts";
import { ids, principals } from "../../test/builders.ts";
import {
  acceptedOrder,
  dispatchWorld,
  near,
  offerOf,
  onlineDriver,
  round,
  T,
} from "../../test/dispatch-world.ts";
import { fund } from "../../test/edge-fixtures.ts";

// Every order here is the builders' customer's: their wallet holds enough for all of them.
beforeAll(() => fund(ids.customer, 100_000_000));

/**
 * The two ways dispatch starved orders on the running stack (issue 12), each with one idle
 * courier at the restaurant: the zone must make an offer within two rounds.
 */
const { spot } = dispatchWorld(-10, 150.2);
const ROUND = defaultDispatchPolicy.roundMs;

/** Runs up to two rounds from `atMs`; the courier's offer after the first that made one. */
async function offerWithinTwoRounds(
  zone: DurableObjectStub,
  driver: Awaited<ReturnType<typeof onlineDriver>>,
  atMs: number,
) {
  for (const at of [atMs, atMs + ROUND]) {
    await round(zone, at);
    const offer = await offerOf(driver.stub, driver.who);
    if (offer) return offer;
  }
  return null;
}

describe("no starvation", () => {
  it("a courier's decline keeps them from that order only, not from the restaurant's others", async () => {
    const restaurant = await spot();
    const courier = await onlineDriver(near(restaurant, 0));
    const first = await acceptedOrder(restaurant);
    const offered = await offerWithinTwoRounds(first.zone, courier, T);
    expect(offered?.orderIds).toEqual([first.request.orderId]);
    const declined = await courier.stub.driverCommand(courier.who, {
      type: "decline_offer",
      commandId: "no",
      offerId: offered!.offerId,
    });
    expect(declined.ok).toBe(true);

    // Another order of the same restaurant, ready in a minute: the courier is idle, 0 m away.
    const second = await acceptedOrder(restaurant);
    const next = await offerWithinTwoRounds(second.zone, courier, T + 2 * ROUND);
    expect(next?.orderIds).toEqual([second.request.orderId]);
    // The declined order stays waiting for someone else, the courier is not offered it again.
    const view = await first.stub.view(principals.admin);
    expect(view.ok && view.value.driverId).toBeNull();
  });

  it("orders ready later never hold back orders ready now", async () => {
    const restaurant = await spot();
    const courier = await onlineDriver(near(restaurant, 0));
    // The two ready in half an hour were placed ten minutes earlier: they have waited longest.
    const early = { prepMinutes: 40, atMs: T - 10 * 60_000 };
    const first = await acceptedOrder(restaurant, {}, early);
    const sameKitchen = { restaurant: first.request.restaurant };
    const later = [first, await acceptedOrder(restaurant, sameKitchen, early)];
    const now = [
      await acceptedOrder(restaurant, sameKitchen),
      await acceptedOrder(restaurant, sameKitchen),
    ];
    const offer = await offerWithinTwoRounds(first.zone, courier, T);
    // One courier for two orders ready together: they go as one trip.
    expect(offer?.orderIds.sort()).toEqual(now.map((o) => o.request.orderId).sort());
    for (const o of later) {
      const view = await o.stub.view(principals.admin);
      expect(view.ok && view.value.driverId).toBeNull();
    }
  });
});
