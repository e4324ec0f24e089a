import { describe, expect, it } from "vitest";
import type { SocketTicket } from "../../schema/auth.ts";
import type { DriverState } from "../../schema/dispatch.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import { api, HERE, signUp } from "../../test/edge-fixtures.ts";

describe("a courier over HTTP", () => {
  it("goes online, reports a fix, and sees it in their state", async () => {
    const driver = await signUp("driver");
    const online = await api<DriverState>("/api/drivers/me/commands", {
      token: driver.accessToken,
      body: { type: "go_online", commandId: "on-1" },
    });
    expect(online.status).toBe(200);
    expect(online.body.online).toBe(true);
    const fix = await api("/api/drivers/me/fixes", {
      token: driver.accessToken,
      body: { fix: { ...HERE, accuracyM: 8, at: Date.now() } },
    });
    expect(fix.status).toBe(204);
    const state = await api<DriverState>("/api/drivers/me", { token: driver.accessToken });
    expect(state.body.position?.lat).toBeCloseTo(HERE.lat, 6);
  });

  it("refuses an implausible fix with a code, and keeps the last good one", async () => {
    const driver = await signUp("driver");
    await api("/api/drivers/me/commands", {
      token: driver.accessToken,
      body: { type: "go_online", commandId: "on" },
    });
    const now = Date.now();
    await api("/api/drivers/me/fixes", {
      token: driver.accessToken,
      body: { fix: { ...HERE, accuracyM: 8, at: now - 2_000 } },
    });
    const jump = await api<ErrorBody>("/api/drivers/me/fixes", {
      token: driver.accessToken,
      body: { fix: { lat: HERE.lat + 0.5, lng: HERE.lng, accuracyM: 8, at: now } },
    });
    expect(jump.status).toBe(422);
    expect(jump.body.error.message).toMatch(/implied speed/);
    const state = await api<DriverState>("/api/drivers/me", { token: driver.accessToken });
    expect([state.body.position?.lat, state.body.flaggedFixes]).toEqual([HERE.lat, 1]);
  });

  it("is for couriers only, and a courier's socket is theirs alone", async () => {
    const customer = await signUp();
    expect((await api<ErrorBody>("/api/drivers/me", { token: customer.accessToken })).status).toBe(
      403,
    );
    const [a, b] = await Promise.all([signUp("driver"), signUp("driver")]);
    const own = await api<SocketTicket>("/api/live/tickets", {
      token: a.accessToken,
      body: { target: { kind: "driver", id: a.user.id } },
    });
    expect(own.status).toBe(200);
    const other = await api<ErrorBody>("/api/live/tickets", {
      token: a.accessToken,
      body: { target: { kind: "driver", id: b.user.id } },
    });
    expect([other.status, other.body.error.code]).toEqual([404, "driver.not_found"]);
  });

  it("refuses a command with unknown fields", async () => {
    const driver = await signUp("driver");
    const reply = await api<ErrorBody>("/api/drivers/me/commands", {
      token: driver.accessToken,
      body: { type: "go_online", commandId: "x", superpower: true },
    });
    expect(reply.status).toBe(400);
  });
});
