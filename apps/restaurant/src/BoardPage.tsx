import { useEffect, useMemo, useRef, useState } from "react";
import {
  type KitchenState,
  RestaurantServerMessage,
  type Ticket,
} from "../../../schema/sockets.ts";
import {
  Badge,
  Button,
  Card,
  ConnectionBadge,
  EmptyState,
  Input,
  LiveWaiting,
  useNow,
  useToast,
} from "../../ui/index.ts";
import { useLive } from "../../ui/live.ts";
import { formatCents } from "../../ui/money.ts";
import { chime, unlockChime } from "./chime.ts";
import { api } from "./session.ts";

/** A new ticket stays highlighted this long, enough to be noticed across a busy kitchen. */
const HIGHLIGHT_MS = 15_000;
const DEFAULT_EXTRA_MINUTES = 15;

function parse(data: unknown): RestaurantServerMessage | null {
  const parsed = RestaurantServerMessage.safeParse(data);
  return parsed.success ? parsed.data : null;
}

type Column = { title: string; statuses: Ticket["status"][] };
const COLUMNS: Column[] = [
  { title: "New", statuses: ["placed"] },
  { title: "In the kitchen", statuses: ["accepted", "preparing"] },
  { title: "Ready for pickup", statuses: ["ready"] },
];

/**
 * The ticket board, live from the RestaurantActor: the whole board on every (re)connect, then
 * each ticket as it arrives or changes. Commands go over the same socket and are answered by a
 * `result` quoting their id.
 */
export function BoardPage({ restaurantId }: { restaurantId: string }) {
  const [kitchen, setKitchen] = useState<KitchenState | null>(null);
  const [tickets, setTickets] = useState(new Map<string, Ticket>());
  const [fresh, setFresh] = useState(new Set<string>());
  const pending = useRef(new Map<string, string>());
  const toast = useToast();
  const target = useMemo(() => ({ kind: "restaurant" as const, id: restaurantId }), [restaurantId]);

  useEffect(() => {
    const unlock = () => unlockChime();
    addEventListener("pointerdown", unlock, { once: true });
    addEventListener("keydown", unlock, { once: true });
    return () => {
      removeEventListener("pointerdown", unlock);
      removeEventListener("keydown", unlock);
    };
  }, []);

  const live = useLive(api, target, parse, (message) => {
    switch (message.type) {
      case "board":
        setKitchen(message.kitchen);
        setTickets(new Map(message.tickets.map((t) => [t.orderId, t])));
        break;
      case "ticket.new":
        setTickets((current) => new Map(current).set(message.ticket.orderId, message.ticket));
        setFresh((current) => new Set(current).add(message.ticket.orderId));
        setTimeout(
          () =>
            setFresh((current) => {
              const next = new Set(current);
              next.delete(message.ticket.orderId);
              return next;
            }),
          HIGHLIGHT_MS,
        );
        chime();
        toast.show(`New order from ${message.ticket.customerName}`);
        break;
      case "ticket.updated":
        setTickets((current) => {
          const known = current.get(message.ticket.orderId);
          if (known && known.version > message.ticket.version) return current;
          return new Map(current).set(message.ticket.orderId, message.ticket);
        });
        break;
      case "kitchen":
        setKitchen(message.kitchen);
        break;
      case "result": {
        const what = pending.current.get(message.commandId);
        pending.current.delete(message.commandId);
        if (!message.ok)
          toast.show(`${what ?? "That"} failed: ${message.error?.message ?? ""}`, "error");
        break;
      }
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

  if (!kitchen) {
    return <LiveWaiting live={live} label="Opening the ticket board" what="the ticket board" />;
  }
  const open = [...tickets.values()].sort((a, b) => a.placedAt.localeCompare(b.placedAt));
  return (
    <div className="stack">
      <div className="spread">
        <h1 style={{ margin: 0 }}>Tickets</h1>
        <ConnectionBadge state={live.state} />
      </div>
      <KitchenBar kitchen={kitchen} command={command} />
      <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(280px, 1fr))" }}>
        {COLUMNS.map((column) => {
          const inColumn = open.filter((t) => column.statuses.includes(t.status));
          return (
            <section key={column.title} aria-label={column.title} className="stack">
              <h2>
                {column.title} <Badge>{inColumn.length}</Badge>
              </h2>
              {inColumn.length === 0 ? <p className="muted">Nothing here.</p> : null}
              <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
                {inColumn.map((ticket) => (
                  <TicketCard
                    key={ticket.orderId}
                    ticket={ticket}
                    fresh={fresh.has(ticket.orderId)}
                    command={command}
                  />
                ))}
              </ul>
            </section>
          );
        })}
      </div>
      {open.length === 0 ? (
        <EmptyState title="No open tickets">New orders appear here, with a chime.</EmptyState>
      ) : null}
    </div>
  );
}

type Command = (what: string, body: Record<string, unknown>) => void;

function KitchenBar({ kitchen, command }: { kitchen: KitchenState; command: Command }) {
  return (
    <Card aria-label="Kitchen">
      <div className="spread">
        <div className="row">
          {kitchen.paused ? (
            <Badge tone="danger">
              Paused{kitchen.pauseReason === "missed_tickets" ? " (missed tickets)" : ""}
            </Badge>
          ) : (
            <Badge tone="success">Taking orders</Badge>
          )}
          {kitchen.busy ? (
            <Badge tone="warning">Busy: +{kitchen.extraPrepMinutes} min</Badge>
          ) : null}
        </div>
        <div className="row">
          <Button
            variant="secondary"
            size="small"
            aria-pressed={kitchen.busy}
            onClick={() =>
              command("Busy mode", {
                type: "set_busy",
                busy: !kitchen.busy,
                ...(kitchen.busy ? {} : { extraPrepMinutes: DEFAULT_EXTRA_MINUTES }),
              })
            }
          >
            {kitchen.busy ? "End busy mode" : `Busy mode (+${DEFAULT_EXTRA_MINUTES} min)`}
          </Button>
          <Button
            variant={kitchen.paused ? "primary" : "danger"}
            size="small"
            onClick={() =>
              command(kitchen.paused ? "Resume" : "Pause", {
                type: kitchen.paused ? "resume" : "pause",
              })
            }
          >
            {kitchen.paused ? "Resume orders" : "Pause orders"}
          </Button>
        </div>
      </div>
    </Card>
  );
}

function TicketCard({
  ticket,
  fresh,
  command,
}: {
  ticket: Ticket;
  fresh: boolean;
  command: Command;
}) {
  const [prep, setPrep] = useState(ticket.prepMinutes);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const short = ticket.orderId.slice(0, 6).toUpperCase();
  return (
    <Card
      as="li"
      highlight={fresh}
      aria-label={`Order ${short} for ${ticket.customerName}`}
      data-testid="ticket"
    >
      <div className="spread">
        <strong>
          #{short} · {ticket.customerName}
        </strong>
        {fresh ? <Badge tone="brand">New</Badge> : <Badge>{ticket.status}</Badge>}
      </div>
      <ul style={{ margin: "8px 0", paddingLeft: 18 }}>
        {ticket.lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a ticket's lines never reorder; a name may repeat.
          <li key={`${line.name}-${i}`}>
            {line.quantity} × {line.name}
            {line.modifiers.length > 0 ? (
              <span className="muted"> ({line.modifiers.map((m) => m.option).join(", ")})</span>
            ) : null}
            {line.notes ? <div className="muted">“{line.notes}”</div> : null}
          </li>
        ))}
      </ul>
      <div className="spread muted">
        <span>{formatCents(ticket.subtotalCents)}</span>
        <Courier ticket={ticket} />
      </div>
      {ticket.status === "placed" ? (
        <div className="stack" style={{ marginTop: 8 }}>
          <p className="muted" style={{ margin: 0 }}>
            Answer by {new Date(ticket.acceptBy).toLocaleTimeString()}
          </p>
          <div className="row">
            <label htmlFor={`prep-${ticket.orderId}`}>Prep minutes</label>
            <Input
              id={`prep-${ticket.orderId}`}
              type="number"
              min={1}
              max={180}
              value={prep}
              onChange={(e) =>
                setPrep(Math.max(1, Math.min(180, Math.floor(Number(e.target.value) || 1))))
              }
              style={{ width: 90 }}
            />
            <Button
              onClick={() =>
                command("Accept", { type: "accept", orderId: ticket.orderId, prepMinutes: prep })
              }
            >
              Accept
            </Button>
            <Button
              variant="secondary"
              onClick={() => setRejecting(!rejecting)}
              aria-expanded={rejecting}
            >
              Reject
            </Button>
          </div>
          {rejecting ? (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim())
                  command("Reject", {
                    type: "reject",
                    orderId: ticket.orderId,
                    reason: reason.trim(),
                  });
              }}
            >
              <label htmlFor={`reason-${ticket.orderId}`} className="sr-only">
                Reason
              </label>
              <Input
                id={`reason-${ticket.orderId}`}
                placeholder="Reason, e.g. out of brisket"
                value={reason}
                maxLength={200}
                onChange={(e) => setReason(e.target.value)}
                style={{ flex: 1 }}
              />
              <Button type="submit" variant="danger" disabled={!reason.trim()}>
                Reject order
              </Button>
            </form>
          ) : null}
        </div>
      ) : null}
      {ticket.status === "accepted" || ticket.status === "preparing" ? (
        <div className="spread" style={{ marginTop: 8 }}>
          <span className="muted">
            {ticket.readyBy
              ? `Ready by ${new Date(ticket.readyBy).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })}`
              : ""}
          </span>
          <Button
            onClick={() => command("Mark ready", { type: "mark_ready", orderId: ticket.orderId })}
          >
            Mark ready
          </Button>
        </div>
      ) : null}
    </Card>
  );
}

/** How often the courier's ETA to the counter is recounted: seconds matter in the last minute. */
const PICKUP_ETA_TICK_MS = 5_000;

/** Where the courier is: their ETA to the counter when one is assigned, counting down. */
function Courier({ ticket }: { ticket: Ticket }) {
  const now = useNow(PICKUP_ETA_TICK_MS);
  if (ticket.driverStage === "at_restaurant") return <Badge tone="success">Courier here</Badge>;
  if (ticket.pickupEta) {
    const leftS = Math.max(0, Math.round((Date.parse(ticket.pickupEta) - now) / 1000));
    const left =
      leftS === 0 ? "arriving" : leftS < 60 ? `in ${leftS} s` : `in ${Math.round(leftS / 60)} min`;
    return (
      <span data-testid="pickup-eta">
        Courier {left} (
        {new Date(ticket.pickupEta).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })})
      </span>
    );
  }
  if (ticket.driverId) return <span>Courier assigned</span>;
  return <span>No courier yet</span>;
}
