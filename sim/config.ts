import { parseArgs } from "node:util";
import { z } from "zod";
import { SIM_DRIVERS_MAX } from "../infra/demo/city.ts";
import { type CourierPolicy, defaultCourierPolicy } from "./courier.ts";
import { type CustomerPolicy, defaultCustomerPolicy } from "./customer.ts";
import { defaultKitchenPolicy, type KitchenPolicy } from "./kitchen.ts";

/** Orders a minute at most: a demo, not a load test (bench/ is for that). */
export const SIM_RATE_MAX = 60;

export type SimConfig = {
  baseUrl: string;
  ratePerMinute: number;
  drivers: number;
  seed: number;
  /** Stop after this long (0: run until stopped), so scripted runs are bounded. */
  durationMs: number;
  courier: CourierPolicy;
  customer: CustomerPolicy;
  kitchen: KitchenPolicy;
};

const Flags = z.object({
  "base-url": z.url("--base-url must be a URL like http://127.0.0.1:8787"),
  rate: z.coerce
    .number()
    .positive("--rate must be > 0 orders per minute")
    .max(SIM_RATE_MAX, `--rate must be at most ${SIM_RATE_MAX} orders per minute`),
  drivers: z.coerce
    .number()
    .int("--drivers must be a whole number")
    .min(1, "--drivers must be at least 1")
    .max(SIM_DRIVERS_MAX, `--drivers must be at most ${SIM_DRIVERS_MAX}`),
  seed: z.coerce.number().int("--seed must be a whole number"),
  "duration-seconds": z.coerce.number().min(0, "--duration-seconds must be >= 0"),
  "prep-minutes": z
    .string()
    .regex(/^\d+(-\d+)?$/, "--prep-minutes must be N or MIN-MAX, e.g. 1-3")
    .transform((s) => s.split("-").map(Number))
    .refine((n) => n[0]! >= 1 && (n[1] ?? n[0]!) >= n[0]! && (n[1] ?? n[0]!) <= 180, {
      message: "--prep-minutes must be within 1-180, MIN <= MAX",
    }),
  "reject-rate": z.coerce.number().min(0).max(1, "--reject-rate must be within 0-1"),
  "decline-rate": z.coerce.number().min(0).max(1, "--decline-rate must be within 0-1"),
  fast: z.boolean(),
});

export const SIM_USAGE = `node sim/main.ts [options]
  --base-url URL        the platform to drive (default http://127.0.0.1:8787)
  --rate N              customer orders per minute, Poisson arrivals (default 3)
  --drivers N           couriers on the road, at most ${SIM_DRIVERS_MAX} (default 12)
  --prep-minutes A-B    kitchens' prep time when accepting (default 1-3)
  --reject-rate P       share of tickets kitchens reject (default 0.05)
  --decline-rate P      share of offers couriers decline (default 0.1)
  --fast                fast-forward for tests: couriers at 25-40 m/s, kitchens cook in a quarter
                        of the announced time, people answer in a second or two
  --seed N              the random seed (default: the clock)
  --duration-seconds N  stop after N seconds (default 0: until Ctrl-C)`;

/** Reads the command line; an invalid flag is an error naming it, never a silent default. */
export function parseSimArgs(
  args: readonly string[],
  defaultSeed: number,
): { ok: true; config: SimConfig } | { ok: false; message: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        "base-url": { type: "string", default: "http://127.0.0.1:8787" },
        rate: { type: "string", default: "3" },
        drivers: { type: "string", default: String(SIM_DRIVERS_MAX) },
        seed: { type: "string", default: String(defaultSeed) },
        "duration-seconds": { type: "string", default: "0" },
        "prep-minutes": { type: "string", default: "1-3" },
        "reject-rate": { type: "string", default: String(defaultKitchenPolicy.rejectRate) },
        "decline-rate": { type: "string", default: String(defaultCourierPolicy.declineRate) },
        fast: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const parsed = Flags.safeParse(values);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((i) => i.message).join("\n") };
  }
  const f = parsed.data;
  const [prepMin, prepMax = prepMin] = f["prep-minutes"] as [number, number?];
  const courier: CourierPolicy = {
    ...defaultCourierPolicy,
    declineRate: f["decline-rate"],
    // Fast couriers stay under the 45 m/s at which the driver actor calls a fix a jump.
    ...(f.fast
      ? {
          speedMps: { min: 25, max: 40 },
          offerThinkMs: { min: 500, max: 1_500 },
          wanderRadiusM: 500,
        }
      : {}),
  };
  const kitchen: KitchenPolicy = {
    ...defaultKitchenPolicy,
    prepMinutes: { min: prepMin, max: prepMax },
    rejectRate: f["reject-rate"],
    ...(f.fast ? { cookScale: 0.25, answerMs: { min: 500, max: 1_500 } } : {}),
  };
  const customer: CustomerPolicy = {
    ...defaultCustomerPolicy,
    // Fast customers order close by, so a whole delivery fits in a test's minute.
    ...(f.fast ? { restaurantRadiusM: 1_000 } : {}),
  };
  return {
    ok: true,
    config: {
      baseUrl: f["base-url"].replace(/\/+$/, ""),
      ratePerMinute: f.rate,
      drivers: f.drivers,
      seed: f.seed,
      durationMs: f["duration-seconds"] * 1000,
      courier,
      customer,
      kitchen,
    },
  };
}
