import ReconnectingWebSocket from "partysocket/ws";
import { useEffect, useRef, useState } from "react";
import type { LiveTarget, SocketTicket } from "../../schema/auth.ts";
import type { Api } from "./api.ts";

export type SocketState = "connecting" | "connected" | "reconnecting";

/** Reconnect quickly at first (a restarted stack is back in seconds), never slower than this. */
const RECONNECT_DELAY_MS_MAX = 5_000;

/**
 * A live feed from one actor. Each (re)connect asks for a fresh one-minute ticket, so a socket
 * that drops after an hour reconnects as the person it was opened for; the actor then sends its
 * snapshot first, so the page shows the right state again without a reload.
 * `parse` turns a frame into a message (null drops it); `onMessage` sees every message.
 */
export function useLive<M>(
  api: Api,
  target: LiveTarget | null,
  parse: (data: unknown) => M | null,
  onMessage: (message: M) => void,
): { state: SocketState; send(message: unknown): boolean } {
  const [state, setState] = useState<SocketState>("connecting");
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
    setState("connecting");
    socket.addEventListener("open", () => {
      opened = true;
      setState("connected");
    });
    socket.addEventListener("close", () => setState(opened ? "reconnecting" : "connecting"));
    socket.addEventListener("message", (event: MessageEvent) => {
      let data: unknown;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const message = parser.current(data);
      if (message !== null) handler.current(message);
    });
    return () => {
      socket.close();
      socketRef.current = null;
    };
  }, [api, kind, id]);

  return {
    state,
    send: (message) => {
      const socket = socketRef.current;
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
  };
}
