/**
 * Collects a WebSocket's messages so a test can wait for the one it expects, with a bounded
 * timeout instead of a sleep. Works on workerd's and on Node's WebSocket.
 */
export class SocketInbox<T = unknown> {
  readonly received: T[] = [];
  private readonly taken = new Set<number>();
  private waiters: Array<{ match: (m: T) => boolean; resolve: (index: number) => void }> = [];

  constructor(socket: {
    addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  }) {
    socket.addEventListener("message", (event) => {
      const index = this.received.push(JSON.parse(String(event.data)) as T) - 1;
      const waiter = this.waiters.find((w) => w.match(this.received[index]!));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(index);
      }
    });
  }

  /**
   * The earliest message not yet taken that matches, waiting up to `timeoutMs` for one to
   * arrive. Each message is taken once, so two waits for the same kind get two messages.
   */
  async next<M extends T = T>(
    match: (m: T) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<M> {
    const present = this.received.findIndex((m, i) => !this.taken.has(i) && match(m));
    if (present >= 0) return this.take(present) as M;
    return new Promise<M>((resolve, reject) => {
      const waiter = { match, resolve: (index: number) => resolve(this.take(index) as M) };
      this.waiters.push(waiter);
      setTimeout(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; last received: ${JSON.stringify(this.received.slice(-5))}`,
          ),
        );
      }, timeoutMs);
    });
  }

  /** Messages of a type received so far. */
  ofType(type: string): T[] {
    return this.received.filter((m) => (m as { type?: string }).type === type);
  }

  private take(index: number): T {
    this.taken.add(index);
    return this.received[index]!;
  }
}
