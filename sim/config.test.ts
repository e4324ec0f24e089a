import { describe, expect, it } from "vitest";
import { SIM_DRIVERS_MAX } from "../infra/demo/city.ts";
import { parseSimArgs } from "./config.ts";

describe("the simulator's command line", () => {
  it("defaults to 12 couriers and an order about every 20 s against the local stack", () => {
    const parsed = parseSimArgs([], 5);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.config).toMatchObject({
      baseUrl: "http://127.0.0.1:8787",
      ratePerMinute: 3,
      drivers: 12,
      seed: 5,
      durationMs: 0,
    });
    expect(parsed.config.courier.speedMps).toEqual({ min: 6, max: 12 });
    expect(parsed.config.kitchen.prepMinutes).toEqual({ min: 1, max: 3 });
  });

  it("takes the rate, the fleet, prep minutes and a fast-forward", () => {
    const parsed = parseSimArgs(
      [
        "--base-url",
        "http://localhost:9000/",
        "--rate",
        "12",
        "--drivers",
        "4",
        "--prep-minutes",
        "2-5",
        "--fast",
      ],
      1,
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.config.baseUrl).toBe("http://localhost:9000");
    expect(parsed.config.ratePerMinute).toBe(12);
    expect(parsed.config.drivers).toBe(4);
    expect(parsed.config.kitchen.prepMinutes).toEqual({ min: 2, max: 5 });
    expect(parsed.config.kitchen.cookScale).toBe(0.25);
    // Still under the 45 m/s past which the driver actor calls a fix a jump.
    expect(parsed.config.courier.speedMps.max).toBeLessThan(45);
  });

  it.each([
    [["--rate", "0"], "--rate must be > 0"],
    [["--drivers", String(SIM_DRIVERS_MAX + 1)], `--drivers must be at most ${SIM_DRIVERS_MAX}`],
    [["--prep-minutes", "3-1"], "--prep-minutes must be within 1-180"],
    [["--base-url", "nowhere"], "--base-url must be a URL"],
    [["--unknown"], "Unknown option"],
  ])("refuses %j, naming the flag", (args, message) => {
    const parsed = parseSimArgs(args, 1);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});
