import { zoneOf } from "../../domain/cells.ts";
import { describeError } from "../../runtime/redact.ts";
import type { Order } from "../../schema/orders.ts";
import { peer } from "../peers.ts";
import { ticketOf } from "../restaurant/board.ts";
import { dispatchNeedOf, jobOf } from "./views.ts";

export const PEERS_MIGRATION =
  "create table peers (peer text primary key, synced_version integer not null)";

/** Another actor that keeps a view of this order, and the one call that brings it up to date. */
type Subscriber = { key: string; push: (order: Order) => Promise<void> };

/**
 * The actors that keep a view of one order, and the version each has taken: the restaurant's
 * board, the zone that finds it a courier (once the kitchen has said when the food is ready), and
 * every courier it has had (a courier it no longer has must drop the job). Latest state wins:
 * each push carries the whole order as it is, a missed one is repaired by the next, and peers
 * ignore versions they have seen.
 */
export class OrderPeers {
  private readonly sql: SqlStorage;
  private readonly env: Env;
  private readonly warn: (msg: string, fields: Record<string, unknown>) => void;

  constructor(sql: SqlStorage, env: Env, warn: OrderPeers["warn"]) {
    this.sql = sql;
    this.env = env;
    this.warn = warn;
  }

  /** Records that `key` has `version`: after a push, or when a call's own answer carried it. */
  markSynced(key: string, version: number): void {
    this.sql.exec(
      "insert into peers (peer, synced_version) values (?, ?) on conflict (peer) do update set synced_version = max(synced_version, excluded.synced_version)",
      key,
      version,
    );
  }

  /** Pushes the order to every peer behind it; answers whether any push failed. */
  async sync(order: Order): Promise<boolean> {
    const synced = new Map(
      this.sql
        .exec<{ peer: string; synced_version: number }>("select peer, synced_version from peers")
        .toArray()
        .map((row) => [row.peer, row.synced_version]),
    );
    let failed = false;
    await Promise.all(
      this.subscribersOf(order)
        .filter((s) => (synced.get(s.key) ?? 0) < order.version)
        .map(async (s) => {
          try {
            await s.push(order);
            this.markSynced(s.key, order.version);
          } catch (error) {
            failed = true;
            this.warn("peer sync failed", { peer: s.key, error: describeError(error) });
          }
        }),
    );
    return failed;
  }

  private subscribersOf(order: Order): Subscriber[] {
    const subscribers: Subscriber[] = [
      {
        key: "restaurant",
        push: (o) =>
          peer(this.env, "OrderActor", "RestaurantActor", o.restaurant.id).ticketChanged(
            ticketOf(o),
          ),
      },
    ];
    if (order.readyBy !== null) {
      subscribers.push({
        key: "zone",
        push: (o) =>
          peer(this.env, "OrderActor", "ZoneActor", zoneOf(o.restaurant.location)).orderChanged(
            o.id,
            dispatchNeedOf(o),
            o.version,
          ),
      });
    }
    for (const driverId of this.driversOf(order)) {
      subscribers.push({
        key: `driver:${driverId}`,
        push: (o) => peer(this.env, "OrderActor", "DriverActor", driverId).jobChanged(jobOf(o)),
      });
    }
    return subscribers;
  }

  /** Every courier the order has had: the current one, and each one already told about it. */
  private driversOf(order: Order): string[] {
    const ids = new Set<string>(order.driverId ? [order.driverId] : []);
    const rows = this.sql
      .exec<{ peer: string }>("select peer from peers where peer like 'driver:%'")
      .toArray();
    for (const row of rows) ids.add(row.peer.slice("driver:".length));
    return [...ids];
  }
}
