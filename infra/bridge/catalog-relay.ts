import { inArray, sql } from "drizzle-orm";
import type { Db } from "../../runtime/db.ts";
import { catalogOutbox } from "../../schema/db/catalog-outbox.ts";
import type { EventEnvelope } from "../../schema/events.ts";
import type { EventBus } from "./bus.ts";
import { type RelayLoop, startRelayLoop } from "./relay-loop.ts";

/**
 * Relays the catalog's Postgres outbox (`catalog_outbox`, written by catalog/outbox.ts in
 * the transaction of each change) to the bus, so catalog changes reach `restaurant.events` on the
 * in-process bus and on Kafka alike.
 *
 * A round is: claim up to RELAY_BATCH_MAX rows by setting a lease on them in one statement (rows
 * picked FOR UPDATE SKIP LOCKED, so concurrent relays never claim the same row), publish them,
 * and delete them once the bus has acknowledged. The lease is what makes this safe without holding
 * a transaction open across the publish: a relay that dies mid-round leaves rows that another
 * claims when the lease runs out, and the consumers' idempotent apply absorbs the repeat. (A
 * transaction held across the publish would also stall PGlite, whose socket server runs only the
 * open transaction's connection while it lasts, and the in-process consumers need another.)
 */

/** Rows per round: about the size of an actor's outbox batch, each a restaurant's document. */
export const RELAY_BATCH_MAX = 100;

/**
 * A claim lasts this long. It must outlast a publish (the Kafka producer's own timeout is
 * 30 s), or a slow round would be repeated by another relay while still under way.
 */
export const RELAY_LEASE_MS = 60_000;

/** An idle relay looks again after this: a catalog change is searchable within about a second. */
export const RELAY_INTERVAL_MS = 500;

export type CatalogRelayOptions = {
  db: Db;
  bus: EventBus;
  log?: (line: Record<string, unknown>) => void;
  intervalMs?: number;
  leaseMs?: number;
};

/** One round claims, publishes and deletes; `relayOnce` resolves with the events relayed. */
export type CatalogRelay = RelayLoop;

/** One round of the relay, on its own (tests and the loop below call it). */
export async function relayRound(
  db: Db,
  bus: EventBus,
  leaseMs: number = RELAY_LEASE_MS,
): Promise<number> {
  const claimed = await db.execute<{ position: string | number; event: EventEnvelope }>(sql`
    update catalog_outbox
    set claimed_until = now() + make_interval(secs => ${leaseMs / 1000})
    where position in (
      select position from catalog_outbox
      where claimed_until is null or claimed_until < now()
      order by position
      limit ${RELAY_BATCH_MAX}
      for update skip locked
    )
    returning position, event
  `);
  if (claimed.rows.length === 0) return 0;
  // Publication order is outbox order, so one restaurant's events go out in seq order.
  const rows = claimed.rows
    .map((row) => ({ position: Number(row.position), event: row.event }))
    .sort((a, b) => a.position - b.position);
  const positions = rows.map((row) => row.position);
  try {
    await bus.publish(rows.map((row) => row.event));
  } catch (error) {
    // Let the next round take them at once instead of after the lease.
    await db
      .update(catalogOutbox)
      .set({ claimedUntil: null })
      .where(inArray(catalogOutbox.position, positions))
      // The lease runs out by itself: if giving the rows back fails too, they wait for it.
      .catch((release: unknown) => {
        throw new AggregateError(
          [error, release],
          "relaying failed, and so did releasing the lease",
        );
      });
    throw error;
  }
  await db.delete(catalogOutbox).where(inArray(catalogOutbox.position, positions));
  return rows.length;
}

/** Starts relaying in the background until `close()`. */
export function startCatalogRelay(options: CatalogRelayOptions): CatalogRelay {
  const leaseMs = options.leaseMs ?? RELAY_LEASE_MS;
  return startRelayLoop({
    name: "catalog_relay",
    round: () => relayRound(options.db, options.bus, leaseMs),
    full: (relayed) => relayed === RELAY_BATCH_MAX,
    intervalMs: options.intervalMs ?? RELAY_INTERVAL_MS,
    log: options.log ?? (() => {}),
  });
}
