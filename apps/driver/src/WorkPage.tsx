import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
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
  Spinner,
  useToast,
} from "../../ui/index.ts";
import { useLive } from "../../ui/live.ts";
import type { MapLine, MapMarker } from "../../ui/MapView.tsx";
import { formatCents } from "../../ui/money.ts";
import type { Point } from "../../ui/motion.ts";
import { distanceM, stepToward } from "./route.ts";
import { api } from "./session.ts";

const MapView = lazy(() => import("../../ui/MapView.tsx"));

/** A fix a second while online: what the customer's map interpolates between. */
const FIX_INTERVAL_MS = 1_000;
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

/** Where the job takes the courier next: the counter until pickup, then the door. */
function nextStop(job: Job): Point | null {
  if (job.driverStage === "assigned") return job.restaurant.location;
  if (job.driverStage === "en_route") return job.dropoff;
  return null;
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
        if (message.why !== "accepted" && message.why !== "declined")
          toast.show(`The offer was ${message.why}`);
        break;
      case "job":
        setDriver((d) => {
          if (!d) return d;
          const others = d.jobs.filter((j) => j.orderId !== message.job.orderId);
          const mine = message.job.driverId === d.driverId;
          const open = !["delivered", "cancelled", "rejected"].includes(message.job.status);
          return { ...d, jobs: mine && open ? [...others, message.job] : others };
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
  const job = driver?.jobs[0] ?? null;
  const stop = job ? nextStop(job) : null;

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
    const timer = setInterval(() => {
      // With the phone's GPS, nothing is reported until the phone gives a position.
      const from = source === "device" ? devicePoint.current : positionRef.current;
      if (!from) return;
      const to = stopRef.current;
      const next =
        source === "simulated" && to
          ? stepToward(from, to, SIMULATED_SPEED_MPS, FIX_INTERVAL_MS)
          : from;
      const fix: GpsFix = {
        lat: next.lat,
        lng: next.lng,
        accuracyM: 5,
        at: Date.now(),
        speedMps: (distanceM(from, next) * 1000) / FIX_INTERVAL_MS,
      };
      positionRef.current = next;
      setPosition(next);
      sendRef.current({ type: "fix", fix });
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

  if (!driver) {
    return (
      <div className="stack">
        <ConnectionBadge state={live.state} />
        <Spinner label="Connecting to dispatch" />
      </div>
    );
  }
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
          onAccept={() =>
            command("Accepting", { type: "accept_offer", offerId: driver.offer!.offerId })
          }
          onDecline={() =>
            command("Declining", { type: "decline_offer", offerId: driver.offer!.offerId })
          }
        />
      ) : null}
      {job ? <JobCard job={job} position={position} command={command} /> : null}
      {!job && !driver.offer ? (
        <EmptyState title={online ? "Waiting for an offer" : "Go online to get offers"}>
          {online ? "Offers appear here with their pay and a countdown." : null}
        </EmptyState>
      ) : null}
    </div>
  );
}

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
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

/** The navigation view: the route on the map and the one step the courier can take next. */
function JobCard({
  job,
  position,
  command,
}: {
  job: Job;
  position: Point | null;
  command: Command;
}) {
  const [code, setCode] = useState("");
  const markers: MapMarker[] = [
    {
      id: "restaurant",
      position: job.restaurant.location,
      label: job.restaurant.name,
      glyph: "R",
      color: "#c2410c",
    },
    {
      id: "dropoff",
      position: job.dropoff,
      label: `Drop-off: ${job.dropoff.text}`,
      glyph: "H",
      color: "#1d4ed8",
    },
  ];
  if (position)
    markers.push({ id: "me", position, label: "You", glyph: "D", color: "#15803d", moving: true });
  const route: Point[] = [];
  if (position && (job.driverStage === "assigned" || job.driverStage === "en_route"))
    route.push(position);
  if (job.driverStage === "assigned") route.push(job.restaurant.location);
  if (job.driverStage !== "at_dropoff") route.push({ lat: job.dropoff.lat, lng: job.dropoff.lng });
  const lines: MapLine[] =
    route.length > 1 ? [{ id: "route", points: route, color: "#15803d" }] : [];
  const step = { type: "", orderId: job.orderId };

  return (
    <Card aria-label="Current job" data-testid="job">
      <div className="stack">
        <div className="spread">
          <h2 style={{ margin: 0 }}>{STAGE_TEXT[job.driverStage]}</h2>
          <Badge tone="info">{formatCents(job.earningsCents)}</Badge>
        </div>
        <Suspense fallback={<Spinner label="Loading the map" />}>
          <MapView
            markers={markers}
            lines={lines}
            description={`Your route from ${job.restaurant.name} at ${job.restaurant.address} to ${job.dropoff.customerName} at ${job.dropoff.text}.`}
          />
        </Suspense>
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
          <strong>{job.dropoff.customerName}</strong>
          <div className="muted">{job.dropoff.text}</div>
        </div>
        {job.driverStage === "assigned" ? (
          <Button onClick={() => command("Arrived", { ...step, type: "arrived_at_restaurant" })}>
            I'm at the restaurant
          </Button>
        ) : null}
        {job.driverStage === "at_restaurant" ? (
          <Button
            onClick={() => command("Pick-up", { ...step, type: "pick_up" })}
            disabled={job.status !== "ready"}
          >
            {job.status === "ready" ? "Picked up" : "Waiting for the food…"}
          </Button>
        ) : null}
        {job.driverStage === "en_route" ? (
          <Button onClick={() => command("Arrived", { ...step, type: "arrived_at_dropoff" })}>
            I'm at the door
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
              label="Customer's code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{4}"
              maxLength={4}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
              hint="The 4 digits on the customer's screen."
            />
            <Button type="submit" disabled={!/^\d{4}$/.test(code)}>
              Delivered
            </Button>
          </form>
        ) : null}
      </div>
    </Card>
  );
}
