import { DurableObject } from "cloudflare:workers";

/** Echoes every frame back, with the hibernation API, as the order actors use. */
export class Echo extends DurableObject {
  override async fetch(): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
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
