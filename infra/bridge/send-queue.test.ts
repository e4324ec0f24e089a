import { describe, expect, it } from "vitest";
import { nextGroupSize, SendQueue } from "./send-queue.ts";

/** A promise and the hands that settle it, to hold a send in flight. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A send that records what it carried and waits to be told how it went. */
function recordingSend() {
  const sends: { items: string[]; done: ReturnType<typeof deferred> }[] = [];
  const send = (items: readonly string[]) => {
    const done = deferred();
    sends.push({ items: [...items], done });
    return done.promise;
  };
  return { sends, send };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));
const limits = { eventsMax: 5, bytesMax: 1_000 };

describe("nextGroupSize", () => {
  it.each([
    ["nothing waiting", [], 0],
    ["one oversized publication, alone", [{ events: 9, bytes: 1 }], 1],
    [
      "as many as fit the events",
      [
        { events: 2, bytes: 1 },
        { events: 3, bytes: 1 },
        { events: 1, bytes: 1 },
      ],
      2,
    ],
    [
      "as many as fit the bytes",
      [
        { events: 1, bytes: 600 },
        { events: 1, bytes: 600 },
      ],
      1,
    ],
    [
      "all that fit",
      [
        { events: 1, bytes: 1 },
        { events: 1, bytes: 1 },
      ],
      2,
    ],
  ])("%s", (_, waiting, expected) => {
    expect(nextGroupSize(waiting, limits)).toBe(expected);
  });
});

describe("SendQueue", () => {
  it("sends one publication at once when nothing is in flight", async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, limits);

    const published = queue.enqueue(["a1", "a2"], 10);
    sends[0]!.done.resolve();

    await published;
    expect(sends.map((s) => s.items)).toEqual([["a1", "a2"]]);
  });

  it("sends the publications that waited behind a send together, in arrival order", async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, limits);

    const a = queue.enqueue(["a"], 1);
    const b = queue.enqueue(["b1", "b2"], 1);
    const c = queue.enqueue(["c"], 1);
    expect(sends).toHaveLength(1);
    sends[0]!.done.resolve();
    await a;
    await settled();

    expect(sends.map((s) => s.items)).toEqual([["a"], ["b1", "b2", "c"]]);
    sends[1]!.done.resolve();
    await Promise.all([b, c]);
  });

  it("resolves a publication only once the send that carries it is acknowledged", async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, limits);
    let done = false;

    const published = queue.enqueue(["a"], 1).then(() => {
      done = true;
    });
    await settled();
    expect(done).toBe(false);

    sends[0]!.done.resolve();
    await published;
    expect(done).toBe(true);
  });

  it("fails every publication of a failed send, and goes on with the next", async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, limits);

    const a = queue.enqueue(["a"], 1);
    const b = queue.enqueue(["b"], 1);
    const c = queue.enqueue(["c"], 1);
    sends[0]!.done.resolve();
    await a;
    await settled();
    sends[1]!.done.reject(new Error("broker down"));

    await expect(b).rejects.toThrow("broker down");
    await expect(c).rejects.toThrow("broker down");
    const d = queue.enqueue(["d"], 1);
    sends[2]!.done.resolve();
    await expect(d).resolves.toBeUndefined();
  });

  it("says when it is idle", async () => {
    const { sends, send } = recordingSend();
    const queue = new SendQueue(send, limits);
    void queue.enqueue(["a"], 1);
    void queue.enqueue(["b"], 1);
    let idle = false;

    const waiting = queue.idle().then(() => {
      idle = true;
    });
    sends[0]!.done.resolve();
    await settled();
    expect(idle).toBe(false);
    sends[1]!.done.resolve();
    await waiting;

    expect(idle).toBe(true);
  });

  it("refuses limits that could never send anything", () => {
    expect(() => new SendQueue(async () => {}, { eventsMax: 0, bytesMax: 1 })).toThrow(/eventsMax/);
  });
});
