import { parentPort, workerData } from "node:worker_threads";
import { startWsProxy } from "../../infra/local/ws-proxy.ts";

/**
 * The Neon driver's WebSocket proxy on a thread of its own, as under `npm start`, where the proxy
 * and workerd are separate processes: sharing the bench's event loop would charge the proxy's
 * work to the ledger's clients.
 */
const { host, port } = workerData as { host: string; port: number };
const proxy = await startWsProxy({ target: { host, port } });
parentPort!.postMessage(proxy.url);
parentPort!.on("message", async (message) => {
  if (message === "close") {
    await proxy.close();
    parentPort!.close();
  }
});
