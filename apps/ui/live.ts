import ReconnectingWebSocket from "partysocket/ws";
import { useEffect, useRef, useState } from "react";
import type { LiveTarget, SocketTicket } from "../../schema/auth.ts";
import type { Api } from "./api.ts";

/**
 * Where a live feed is: opening for the first time, open, lost and being reopened, or waiting
 * for the device to be back on a network (no attempt can succeed before that).
 */
export type SocketState = "connecting" | "connected" | "reconnecting" | "offline";

/** Reconnect quickly at first (a restarted stack is back in seconds), never slower than this. */
const RECONNECT_DELAY_MS_MAX = 5_000;
/**
 * A socket that has heard nothing this long is asked for a pong, and one silent for
 * SILENCE_MS_MAX is replaced: a phone that changed networks can hold a half-open socket that
 * never reports its own death, and would otherwise miss every change until the next reload.
 */
const PING_AFTER_QUIET_MS = 20_000;
const SILENCE_MS_MAX = 45_000;
const HEARTBEAT_CHECK_MS = 5_000;

export type Live = {
  state: SocketState;
  /** Why the last attempt to connect failed (no ticket, server down), while not connected. */
  problem: string | null;
  send(message: unknown): boolean;
  /** Tries again now instead of waiting for the next back-off. */
  retry(): void;
};

/**
 * A live feed from one actor. Each (re)connect asks for a fresh one-minute ticket, so a socket
 * that drops after an hour reconnects as the person it was opened for; the actor then sends its
 * snapshot first, so the page shows the right state again without a reload. Going offline drops
 * the socket at once (frames held by a dead network are no news), and coming back online
 * reconnects without waiting for the back-off, so what changed meanwhile arrives in the snapshot.
 * `parse` turns a frame into a message (null drops it); `onMessage` sees every message.
 */
export function useLive<M>(
  api: Api,
  target: LiveTarget | null,
  parse: (data: unknown) => M | null,
  onMessage: (message: M) => void,
): Live {
  const [state, setState] = useState<SocketState>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  const socketRef = useRef<ReconnectingWebSocket | null>(null);
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const parser = useRef(parse);
  parser.current = parse;
  const kind = target?.kind;
  const id = target?.id;

  useEffect(() => {
    if (!kind || !id) return;
    let opened = false;
    let heardAt = Date.now();
    const lost = () => {
      if (!navigator.onLine) setState("offline");
      else setState(opened ? "reconnecting" : "connecting");
    };
    const socket = new ReconnectingWebSocket(
      async () => {
        const ticket = await api.post<SocketTicket>("/api/live/tickets", {
          target: { kind, id },
        });
        if (!ticket.ok) throw new Error(ticket.error.message);
        return `${location.origin.replace(/^http/, "ws")}${ticket.value.url}`;
      },
      [],
      { minReconnectionDelay: 250, maxReconnectionDelay: RECONNECT_DELAY_MS_MAX },
    );
    socketRef.current = socket;
    lost();
    socket.addEventListener("open", () => {
      opened = true;
      heardAt = Date.now();
      setProblem(null);
      setState("connected");
    });
    socket.addEventListener("close", lost);
    socket.addEventListener("error", (event) => {
      const message = (event as { message?: string }).message;
      setProblem(message && message !== "TIMEOUT" ? message : "The server did not answer.");
    });
    socket.addEventListener("message", (event: MessageEvent) => {
      heardAt = Date.now();
      let data: unknown;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const message = parser.current(data);
      if (message !== null) handler.current(message);
    });

    const offline = () => {
      setState("offline");
      socket.reconnect();
    };
    const online = () => socket.reconnect();
    addEventListener("offline", offline);
    addEventListener("online", online);
    const heartbeat = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      const quietMs = Date.now() - heardAt;
      if (quietMs >= SILENCE_MS_MAX) socket.reconnect();
      else if (quietMs >= PING_AFTER_QUIET_MS) socket.send(JSON.stringify({ type: "ping" }));
    }, HEARTBEAT_CHECK_MS);
    return () => {
      removeEventListener("offline", offline);
      removeEventListener("online", online);
      clearInterval(heartbeat);
      socket.close();
      socketRef.current = null;
    };
  }, [api, kind, id]);

  return {
    state,
    problem: state === "connected" ? null : problem,
    send: (message) => {
      const socket = socketRef.current;
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    retry: () => socketRef.current?.reconnect(),
  };
}
