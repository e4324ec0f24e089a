import { DurableObject } from "cloudflare:workers";

/** The two ends of a relay room (bench/dispatch): a sender's frames go to the room's receivers. */
const RELAY_ROLES = ["send", "receive"] as const;

/**
 * Echoes every frame back, with the hibernation API, as the order actors use. A socket opened
 * with `?relay=send` instead has its frames forwarded to every `?relay=receive` socket of the
 * same room: the barest socket-to-socket hop a Durable Object can make, the baseline for driver
 * fix -> customer tracking.
 */
export class Echo extends DurableObject {
  override async fetch(request: Request): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const role = RELAY_ROLES.find((r) => r === new URL(request.url).searchParams.get("relay"));
    this.ctx.acceptWebSocket(server, role ? [role] : []);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (this.ctx.getTags(ws).includes("send")) {
      for (const receiver of this.ctx.getWebSockets("receive")) receiver.send(message);
      return;
    }
    ws.send(message);
  }
}

export default {
  async fetch(request: Request, env: { Echo: DurableObjectNamespace<Echo> }): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") return new Response("ok");
    const room = new URL(request.url).pathname.split("/")[2] ?? "room";
    return env.Echo.getByName(room).fetch(request);
  },
};
