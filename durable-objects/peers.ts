import { isolateTelemetry } from "../runtime/telemetry.ts";

/**
 * Typed stubs of the other actors, in one place, each call counted. Actors talk little (STYLE.md:
 * a command goes to the owner of its state once, which tells the others by one push each), and
 * the counts are how a test sees a hot command's calls between actors, so a regression shows up.
 * Counting costs a map update per call, which is nothing beside the call itself.
 */

export type ActorKind = "OrderActor" | "RestaurantActor" | "DriverActor" | "ZoneActor";
/** Who calls: another actor, or the gateway Worker. */
export type Caller = ActorKind | "gateway";

const calls = new Map<string, number>();

/** Calls made since the last reset, keyed `from -> Kind.method`. */
export function peerCalls(): Record<string, number> {
  return Object.fromEntries(calls);
}

/** How many actor-to-actor calls were made since the last reset, in all. */
export function peerCallCount(): number {
  let total = 0;
  for (const n of calls.values()) total += n;
  return total;
}

export function resetPeerCalls(): void {
  calls.clear();
}

type StubOf<K extends ActorKind> = ReturnType<Env[K]["getByName"]>;

/**
 * The stub of actor `name` of `kind`, as seen from an actor of kind `from` (or the gateway). Every
 * method called through it is counted before it is sent, and timed into the isolate's telemetry
 * (runtime/telemetry.ts: calls, errors and duration per actor kind and method).
 */
export function peer<K extends ActorKind>(
  env: Env,
  from: Caller,
  kind: K,
  name: string,
): StubOf<K> {
  const stub = env[kind].getByName(name) as StubOf<K>;
  return new Proxy(stub, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof property !== "string" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        // Counted between actors only: the gateway's calls are the requests themselves.
        if (from !== "gateway") {
          const key = `${from} -> ${kind}.${property}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
        }
        const startedMs = performance.now();
        const measure = (ok: boolean) =>
          isolateTelemetry.actorCall(kind, property, ok, (performance.now() - startedMs) / 1000);
        // Reflect.apply, not value.apply: a stub's method is itself a proxy of remote names, and
        // `.apply` on it would be sent as a call to a method called "apply".
        return Promise.resolve(Reflect.apply(value, target, args)).then(
          (result: unknown) => {
            measure(true);
            return result;
          },
          (error: unknown) => {
            measure(false);
            throw error;
          },
        );
      };
    },
  });
}
