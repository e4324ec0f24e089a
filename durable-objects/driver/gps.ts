import { distanceM } from "../../domain/geo.ts";
import type { GpsFix } from "../../schema/dispatch.ts";

/**
 * Judging GPS fixes, pure. A phone's fixes are noisy and occasionally absurd (a jump across town
 * after a tunnel, a spoofing app); dispatch must only ever act on positions a courier could
 * plausibly be at.
 */
export type GpsPolicy = {
  /** Fixes less precise than this are kept out of dispatch: a 300 m circle is not a block. */
  accuracyMaxM: number;
  /** Faster than this between two fixes is a jump, not a drive: about 160 km/h. */
  speedMaxMps: number;
  /** How far ahead of our clock a device's clock may be before its fixes are refused. */
  futureSkewMaxMs: number;
  /** Consistent fixes after a jump that make the new place believable (a real relocation). */
  reanchorAfterFixes: number;
};

export const defaultGpsPolicy: GpsPolicy = {
  accuracyMaxM: 100,
  speedMaxMps: 45,
  futureSkewMaxMs: 10_000,
  reanchorAfterFixes: 3,
};

export type GpsTrack = {
  /** The last fix dispatch believes. */
  last: GpsFix | null;
  /** Fixes since a jump that agree with each other, not yet believed. */
  suspect: GpsFix[];
};

export type Verdict =
  | { kind: "accepted"; track: GpsTrack; fix: GpsFix }
  | { kind: "refused"; track: GpsTrack; why: string }
  | { kind: "flagged"; track: GpsTrack; why: string };

export function judgeFix(
  track: GpsTrack,
  fix: GpsFix,
  nowMs: number,
  policy: GpsPolicy = defaultGpsPolicy,
): Verdict {
  if (fix.at > nowMs + policy.futureSkewMaxMs)
    return { kind: "refused", track, why: "fix is dated in the future" };
  if (fix.accuracyM > policy.accuracyMaxM) {
    return {
      kind: "refused",
      track,
      why: `accuracy ${Math.round(fix.accuracyM)} m is worse than ${policy.accuracyMaxM} m`,
    };
  }
  const last = track.last;
  if (last && fix.at <= last.at)
    return { kind: "refused", track, why: "fix is not newer than the last one" };
  if (!last || plausible(last, fix, policy)) {
    return { kind: "accepted", track: { last: fix, suspect: [] }, fix };
  }
  // An implausible jump: flagged, kept out of dispatch. If the next fixes agree with it among
  // themselves, the courier really is there (GPS caught up after a tunnel): believe them.
  const previous = track.suspect.at(-1);
  const suspect =
    previous && fix.at > previous.at && plausible(previous, fix, policy)
      ? [...track.suspect, fix]
      : [fix];
  if (suspect.length >= policy.reanchorAfterFixes) {
    return { kind: "accepted", track: { last: fix, suspect: [] }, fix };
  }
  const speed = impliedSpeedMps(last, fix);
  return {
    kind: "flagged",
    track: { last, suspect },
    why: `implied speed ${Math.round(speed)} m/s from the last good fix`,
  };
}

function plausible(from: GpsFix, to: GpsFix, policy: GpsPolicy): boolean {
  return impliedSpeedMps(from, to) <= policy.speedMaxMps;
}

function impliedSpeedMps(from: GpsFix, to: GpsFix): number {
  const seconds = Math.max(0.001, (to.at - from.at) / 1000);
  // Both fixes' uncertainty is forgiven: two honest fixes 50 m apart may be 0 m apart in truth.
  const metres = Math.max(0, distanceM(from, to) - from.accuracyM - to.accuracyM);
  return metres / seconds;
}
