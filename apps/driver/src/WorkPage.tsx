import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { distanceM } from "../../../domain/geo.ts";
import {
  DriverServerMessage,
  type DriverState,
  type GpsFix,
  type Job,
  type Offer,
} from "../../../schema/dispatch.ts";
import {
  Badge,
  Button,
  Card,
  ConnectionBadge,
  EmptyState,
  Field,
  LiveWaiting,
  Spinner,
  useNow,
  useToast,
} from "../../ui/index.ts";
import { useLive } from "../../ui/live.ts";
import type { MapLine, MapMarker } from "../../ui/MapView.tsx";
import { formatCents } from "../../ui/money.ts";
import type { Point } from "../../ui/motion.ts";
import {
  currentStep,
  nextStop,
  remainingStops,
  routeLine,
  type Stop,
  stepToward,
} from "./route.ts";
import { api } from "./session.ts";

const MapView = lazy(() => import("../../ui/MapView.tsx"));

/** A fix a second while online: what the customer's map interpolates between. */
const FIX_INTERVAL_MS = 1_000;
/**
 * Fixes closer together than this are not sent. Timers fire late and then catch up, and two fixes
 * a few hundred milliseconds apart make an ordinary step look like a jump the actor refuses.
 */
const FIX_GAP_MS_MIN = 900;
/** The simulated courier's speed: a brisk city drive (the actor refuses fixes above 45 m/s). */
const SIMULATED_SPEED_MPS = 20;
/** Downtown Austin, where a simulated shift starts when the actor knows no position. */
const SHIFT_START: Point = { lat: 30.2672, lng: -97.7431 };

/** A refused fix is mentioned this long: the next good fixes make it moot. */
const REFUSED_NOTE_MS = 10_000;

type Source = "simulated" | "device";

function parse(data: unknown): DriverServerMessage | null {
  const parsed = DriverServerMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/**
 * The courier's shift, live from their DriverActor: online or not, positions sent once a second
 * (from the phone's GPS or a simulated drive), the offer with its countdown, and each job's steps.
 */
export function WorkPage({ driverId }: { driverId: string }) {
  const [driver, setDriver] = useState<DriverState | null>(null);
  const [source, setSource] = useState<Source>("simulated");
  const [position, setPosition] = useState<Point | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [gpsProblem, setGpsProblem] = useState<string | null>(null);
  const pending = useRef(new Map<string, string>());
  const accepting = useRef<string | null>(null);
  const refusedTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const toast = useToast();
  const target = useMemo(() => ({ kind: "driver" as const, id: driverId }), [driverId]);

  const live = useLive(api, target, parse, (message) => {
    switch (message.type) {
      case "state":
        setDriver(message.driver);
        setPosition((current) => current ?? message.driver.position ?? SHIFT_START);
        break;
      case "offer":
        setDriver((d) => (d ? { ...d, offer: message.offer } : d));
        break;
      case "offer_closed":
        setDriver((d) => (d?.offer?.offerId === message.offerId ? { ...d, offer: null } : d));
        // Accepting takes the order off the zone, which withdraws the offer on its way: the
        // accept's own result says whether the courier got it, so that withdrawal is no news.
        if (message.why === "withdrawn" && accepting.current === message.offerId) break;
        if (message.why !== "accepted" && message.why !== "declined")
          toast.show(`The offer was ${message.why}`);
        break;
      case "job":
        setDriver((d) => {
          if (!d) return d;
          const mine = message.job.driverId === d.driverId;
          const open = !["delivered", "cancelled", "rejected"].includes(message.job.status);
          const known = d.jobs.some((j) => j.orderId === message.job.orderId);
          // A job keeps its place: the jobs' order is the drop-off sequence the dispatcher planned.
          const jobs = !(mine && open)
            ? d.jobs.filter((j) => j.orderId !== message.job.orderId)
            : known
              ? d.jobs.map((j) => (j.orderId === message.job.orderId ? message.job : j))
              : [...d.jobs, message.job];
          return { ...d, jobs };
        });
        break;
      case "job_removed":
        setDriver((d) =>
          d ? { ...d, jobs: d.jobs.filter((j) => j.orderId !== message.orderId) } : d,
        );
        toast.show(`A job ended: ${message.why}`);
        break;
      case "result": {
        const what = pending.current.get(message.commandId);
        pending.current.delete(message.commandId);
        if (!message.ok)
          toast.show(`${what ?? "That"} failed: ${message.error?.message ?? ""}`, "error");
        break;
      }
      case "fix_refused":
        setRefused(message.why);
        clearTimeout(refusedTimer.current);
        refusedTimer.current = setTimeout(() => setRefused(null), REFUSED_NOTE_MS);
        break;
      case "error":
        toast.show(message.error.message, "error");
        break;
    }
  });

  const command = (what: string, body: Record<string, unknown>) => {
    const commandId = crypto.randomUUID();
    pending.current.set(commandId, what);
    if (!live.send({ ...body, commandId }))
      toast.show("Not connected; try again in a moment", "error");
  };

  const online = driver?.online ?? false;
  const jobs = driver?.jobs ?? [];
  const stop = nextStop(jobs);

  // One fix a second while online, even standing still (a courier waiting at the counter must
  // stay "here" for the geofence): the simulated drive takes a step toward the next stop first;
  // with the phone's GPS, the latest position it gave is reported.
  const sendRef = useRef(live.send);
  sendRef.current = live.send;
  const positionRef = useRef(position);
  positionRef.current = position;
  const devicePoint = useRef<Point | null>(null);
  const stopRef = useRef(stop);
  stopRef.current = stop;
  useEffect(() => {
    if (!online) return;
    let sentAt = 0;
    const timer = setInterval(() => {
      // With the phone's GPS, nothing is reported until the phone gives a position.
      const from = source === "device" ? devicePoint.current : positionRef.current;
      if (!from) return;
      const now = Date.now();
      if (now - sentAt < FIX_GAP_MS_MIN) return;
      const to = stopRef.current;
      const next =
        source === "simulated" && to
          ? stepToward(from, to, SIMULATED_SPEED_MPS, FIX_INTERVAL_MS)
          : from;
      const fix: GpsFix = {
        lat: next.lat,
        lng: next.lng,
        accuracyM: 5,
        at: now,
        speedMps: (distanceM(from, next) * 1000) / FIX_INTERVAL_MS,
      };
      positionRef.current = next;
      setPosition(next);
      if (sendRef.current({ type: "fix", fix })) sentAt = now;
    }, FIX_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [online, source]);

  // The phone's own GPS, when the courier chooses it.
  useEffect(() => {
    if (!online || source !== "device" || !navigator.geolocation) return;
    const watch = navigator.geolocation.watchPosition(
      (p) => {
        const point = { lat: p.coords.latitude, lng: p.coords.longitude };
        devicePoint.current = point;
        positionRef.current = point;
        setGpsProblem(null);
        setPosition(point);
      },
      (error) => setGpsProblem(error.message || "the phone gives no position"),
      { enableHighAccuracy: true, maximumAge: 2_000 },
    );
    return () => {
      navigator.geolocation.clearWatch(watch);
      devicePoint.current = null;
    };
  }, [online, source]);

  if (!driver) return <LiveWaiting live={live} label="Connecting to dispatch" what="dispatch" />;
  return (
    <div className="stack">
      <div className="spread">
        <h1 style={{ margin: 0 }}>{online ? "You're online" : "You're offline"}</h1>
        <ConnectionBadge state={live.state} />
      </div>
      <Card aria-label="Shift">
        <div className="stack">
          <Button
            variant={online ? "secondary" : "primary"}
            aria-pressed={online}
            onClick={() =>
              command(online ? "Going offline" : "Going online", {
                type: online ? "go_offline" : "go_online",
              })
            }
          >
            {online ? "Go offline" : "Go online"}
          </Button>
          <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend>Position from</legend>
            <Button
              size="small"
              variant={source === "simulated" ? "primary" : "secondary"}
              aria-pressed={source === "simulated"}
              onClick={() => setSource("simulated")}
            >
              Simulated drive
            </Button>
            <Button
              size="small"
              variant={source === "device" ? "primary" : "secondary"}
              aria-pressed={source === "device"}
              onClick={() => setSource("device")}
            >
              This phone's GPS
            </Button>
          </fieldset>
          {source === "device" && gpsProblem ? (
            <p role="alert" style={{ margin: 0, color: "var(--color-danger)" }}>
              Location unavailable: {gpsProblem}. Use the simulated drive meanwhile.
            </p>
          ) : null}
          {refused ? (
            <p className="muted" style={{ margin: 0 }}>
              Last position refused: {refused}
            </p>
          ) : null}
        </div>
      </Card>
      {driver.offer ? (
        <OfferCard
          offer={driver.offer}
          onAccept={() => {
            accepting.current = driver.offer!.offerId;
            command("Accepting", { type: "accept_offer", offerId: driver.offer!.offerId });
          }}
          onDecline={() =>
            command("Declining", { type: "decline_offer", offerId: driver.offer!.offerId })
          }
        />
      ) : null}
      {jobs.length > 0 ? <RouteCard jobs={jobs} position={position} /> : null}
      {jobs.map((job) => (
        <JobCard key={job.orderId} job={job} bundled={jobs.length > 1} command={command} />
      ))}
      {jobs.length === 0 && !driver.offer ? (
        <EmptyState title={online ? "Waiting for an offer" : "Go online to get offers"}>
          {online ? "Offers appear here with their pay and a countdown." : null}
        </EmptyState>
      ) : null}
    </div>
  );
}

function OfferCard({
  offer,
  onAccept,
  onDecline,
}: {
  offer: Offer;
  onAccept(): void;
  onDecline(): void;
}) {
  const now = useNow();
  const leftS = Math.max(0, Math.ceil((Date.parse(offer.expiresAt) - now) / 1000));
  return (
    <Card highlight aria-label="New offer" data-testid="offer">
      <div role="alert" className="stack">
        <div className="spread">
          <h2 style={{ margin: 0 }}>New offer</h2>
          <Badge tone={leftS <= 10 ? "danger" : "brand"}>
            <span data-testid="offer-countdown">{leftS}s</span>
          </Badge>
        </div>
        <strong style={{ fontSize: 28 }} className="money">
          {formatCents(offer.earningsCents)}
        </strong>
        <div>
          Pick up at <strong>{offer.restaurant.name}</strong>
          <div className="muted">{offer.restaurant.address}</div>
          <div className="muted">
            Be there by{" "}
            {new Date(offer.pickupEta).toLocaleTimeString([], {
              hour: "numeric",
              minute: "2-digit",
            })}
          </div>
        </div>
        {offer.dropoffs.map((d) => (
          <div key={d.orderId}>
            Deliver to {d.customerName}
            <div className="muted">{d.text}</div>
          </div>
        ))}
        <div className="row">
          <Button onClick={onAccept} disabled={leftS === 0}>
            Accept
          </Button>
          <Button variant="secondary" onClick={onDecline}>
            Decline
          </Button>
        </div>
      </div>
    </Card>
  );
}

type Command = (what: string, body: Record<string, unknown>) => void;

const STAGE_TEXT: Record<Job["driverStage"], string> = {
  unassigned: "Waiting",
  assigned: "Head to the restaurant",
  at_restaurant: "At the restaurant",
  en_route: "Head to the customer",
  at_dropoff: "At the door",
  done: "Delivered",
};

const RESTAURANT_COLOR = "#c2410c";
const DOOR_COLOR = "#1d4ed8";
const ME_COLOR = "#15803d";

/**
 * The navigation view over every job the courier holds: one map with the counters, the doors
 * (numbered in the order to visit them) and the route through the stops left, and the list of
 * those stops. Each job's own next step is on its card below.
 */
function RouteCard({ jobs, position }: { jobs: Job[]; position: Point | null }) {
  const stops = remainingStops(jobs);
  const doorNumber = new Map<string, number>();
  for (const stop of stops) {
    if (stop.kind === "dropoff") doorNumber.set(stop.orderId, doorNumber.size + 1);
  }
  const markers: MapMarker[] = [];
  const restaurants = new Map(jobs.map((j) => [j.restaurant.id, j.restaurant]));
  for (const restaurant of restaurants.values()) {
    markers.push({
      id: `restaurant-${restaurant.id}`,
      position: restaurant.location,
      label: restaurant.name,
      glyph: "R",
      color: RESTAURANT_COLOR,
    });
  }
  for (const job of jobs) {
    const n = doorNumber.get(job.orderId);
    if (n === undefined) continue;
    markers.push({
      id: `door-${job.orderId}`,
      position: { lat: job.dropoff.lat, lng: job.dropoff.lng },
      label: `Drop-off ${n}: ${job.dropoff.customerName}, ${job.dropoff.text}`,
      glyph: String(n),
      color: DOOR_COLOR,
    });
  }
  if (position)
    markers.push({ id: "me", position, label: "You", glyph: "D", color: ME_COLOR, moving: true });
  const route = routeLine(position, stops);
  const lines: MapLine[] =
    route.length > 1 ? [{ id: "route", points: route, color: ME_COLOR }] : [];
  const earnedCents = jobs.reduce((sum, j) => sum + j.earningsCents, 0);
  const description = `Your route: ${stops.map((stop) => stopText(stop, doorNumber)).join(", then ")}.`;

  return (
    <Card aria-label="Your route" data-testid="route">
      <div className="stack">
        <div className="spread">
          <h2 style={{ margin: 0 }}>{currentStep(stops)}</h2>
          <Badge tone="info">
            {jobs.length > 1 ? `${jobs.length} orders · ` : ""}
            {formatCents(earnedCents)}
          </Badge>
        </div>
        <Suspense fallback={<Spinner label="Loading the map" />}>
          <MapView markers={markers} lines={lines} description={description} />
        </Suspense>
        <ol className="stack" style={{ margin: 0, paddingLeft: 22 }} aria-label="Stops left">
          {stops.map((stop, i) => (
            <li
              key={stop.kind === "pickup" ? `pickup-${stop.restaurant.id}` : `door-${stop.orderId}`}
              aria-current={i === 0 ? "step" : undefined}
              style={i === 0 ? { fontWeight: 700 } : undefined}
            >
              {stopText(stop, doorNumber)}
            </li>
          ))}
        </ol>
      </div>
    </Card>
  );
}

function stopText(stop: Stop, doorNumber: Map<string, number>): string {
  if (stop.kind === "pickup") {
    const count = stop.orderIds.length;
    return `${stop.here ? "At" : "Pick up at"} ${stop.restaurant.name}, ${stop.restaurant.address}${count > 1 ? ` (${count} orders)` : ""}`;
  }
  const n = doorNumber.get(stop.orderId);
  return `${stop.here ? "At the door" : "Deliver"} ${n !== undefined ? `${n} ` : ""}to ${stop.dropoff.customerName}, ${stop.dropoff.text}`;
}

/** One order of the courier's: where it is from and to, and the one step it takes next. */
function JobCard({
  job,
  bundled,
  command,
}: {
  job: Job;
  /** More than one job: buttons and fields name the customer, so each is told apart. */
  bundled: boolean;
  command: Command;
}) {
  const [code, setCode] = useState("");
  const step = { type: "", orderId: job.orderId };
  const who = job.dropoff.customerName;
  const forWho = bundled ? ` (${who})` : "";

  return (
    <Card
      aria-label={bundled ? `Order for ${who}` : "Current job"}
      data-testid="job"
      data-order={job.orderId}
      data-stage={job.driverStage}
    >
      <div className="stack">
        <div className="spread">
          {bundled ? (
            <h3 style={{ margin: 0 }}>
              {who} · {STAGE_TEXT[job.driverStage]}
            </h3>
          ) : (
            <strong>{STAGE_TEXT[job.driverStage]}</strong>
          )}
          <Badge tone="info">{formatCents(job.earningsCents)}</Badge>
        </div>
        <div>
          <strong>{job.restaurant.name}</strong>
          <div className="muted">{job.restaurant.address}</div>
          {job.readyBy ? (
            <div className="muted">
              Food ready by{" "}
              {new Date(job.readyBy).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })}
              {job.status === "ready" ? " (ready now)" : ""}
            </div>
          ) : null}
        </div>
        <div>
          <strong>{who}</strong>
          <div className="muted">{job.dropoff.text}</div>
        </div>
        {job.driverStage === "assigned" ? (
          <Button onClick={() => command("Arrived", { ...step, type: "arrived_at_restaurant" })}>
            I'm at the restaurant{forWho}
          </Button>
        ) : null}
        {job.driverStage === "at_restaurant" ? (
          <Button
            onClick={() => command("Pick-up", { ...step, type: "pick_up" })}
            disabled={job.status !== "ready"}
          >
            {job.status === "ready" ? `Picked up${forWho}` : `Waiting for the food…${forWho}`}
          </Button>
        ) : null}
        {job.driverStage === "en_route" ? (
          <Button onClick={() => command("Arrived", { ...step, type: "arrived_at_dropoff" })}>
            I'm at the door{forWho}
          </Button>
        ) : null}
        {job.driverStage === "at_dropoff" ? (
          <form
            className="row"
            style={{ alignItems: "end" }}
            onSubmit={(e) => {
              e.preventDefault();
              if (/^\d{4}$/.test(code)) command("Delivery", { ...step, type: "deliver", code });
            }}
          >
            <Field
              label={`Customer's code${forWho}`}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{4}"
              maxLength={4}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
              hint="The 4 digits on the customer's screen."
            />
            <Button type="submit" disabled={!/^\d{4}$/.test(code)}>
              Delivered{forWho}
            </Button>
          </form>
        ) : null}
      </div>
    </Card>
  );
}
