import { z } from "zod";
import { GpsFix, Job, Offer } from "../../schema/dispatch.ts";
import { Position } from "../../schema/geo.ts";
import type { Courier } from "./courier.ts";

/**
 * A courier as the DriverActor stored it before its core was pure (jobs in a table of their own,
 * the zone's entry in loose fields). Read once, when such an actor wakes, and written back in the
 * core's shape with its next change, so no courier stored by an older build is lost.
 */
const LegacyCourier = z.object({
  driverId: z.uuid(),
  online: z.boolean(),
  track: z.object({ last: GpsFix.nullable(), suspect: z.array(GpsFix) }),
  position: Position.nullable(),
  offer: Offer.nullable(),
  flaggedFixes: z.number().int(),
  indexedZone: z.string().nullable(),
  indexedCell: z.string().nullable().optional(),
  indexedBusy: z.boolean().optional(),
  zoneVersion: z.number().int(),
  zoneSyncedAtMs: z.number(),
  eventSeq: z.number().int(),
  locationSampledAtMs: z.number(),
});

export function legacyCourierOf(stored: unknown, jobsJson: readonly string[]): Courier {
  const old = LegacyCourier.parse(stored);
  return {
    driverId: old.driverId,
    online: old.online,
    track: old.track,
    position: old.position,
    flaggedFixes: old.flaggedFixes,
    offer: old.offer,
    claims: [],
    jobs: jobsJson.map((json) => Job.parse(JSON.parse(json))),
    ended: [],
    indexed: {
      zone: old.indexedZone,
      cell: old.indexedCell ?? null,
      busy: old.indexedBusy ?? false,
      version: old.zoneVersion,
      syncedAtMs: old.zoneSyncedAtMs,
    },
    eventSeq: old.eventSeq,
    locationSampledAtMs: old.locationSampledAtMs,
  };
}
