import fc from "fast-check";
import type { SocketInbox } from "./socket-inbox.ts";

/**
 * Throws batches of arbitrary frames at a socket, each batch followed by a ping that must still
 * be answered: the actor neither crashed nor stopped listening. What the frames did (or did not
 * do) to state is for the caller to check afterwards.
 */
export async function pelt<M extends { type: string }>(
  socket: { send(data: string): void },
  inbox: SocketInbox<M>,
  frames: fc.Arbitrary<string>,
  runs = 60,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(frames, { minLength: 1, maxLength: 5 }), async (batch) => {
      for (const frame of batch) socket.send(frame);
      socket.send(JSON.stringify({ type: "ping" }));
      await inbox.next((m) => m.type === "pong");
    }),
    { numRuns: runs },
  );
}
