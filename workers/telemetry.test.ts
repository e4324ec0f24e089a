import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shipTelemetryIfDue, TELEMETRY_EVERY_MS } from "../runtime/telemetry.ts";
import type { SystemHealth } from "../schema/admin.ts";
import { api, signUp, staffSession } from "../test/edge-fixtures.ts";

/**
 * The gateway's measurements reach Prometheus: requests and actor calls, summed in this isolate,
 * shipped to the real bridge of the test run, and served on its /metrics.
 */
describe("the gateway's telemetry", () => {
  it("counts requests by route pattern and actor calls by kind, and the bridge serves them", async () => {
    const customer = await signUp();
    for (let i = 0; i < 3; i++) await api("/api/health");
    const order = await api(`/api/orders/${crypto.randomUUID()}`, { token: customer.accessToken });
    expect(order.status).toBe(404);
    await shipTelemetryIfDue(
      { bridgeUrl: env.BRIDGE_URL, secret: env.OUTBOX_SECRET, source: "gateway" },
      Date.now() + 10 * TELEMETRY_EVERY_MS,
    );
    const text = await (await fetch(new URL("/metrics", env.BRIDGE_URL))).text();
    const health =
      /dizh_http_requests_total\{route="\/api\/health",method="GET",code="200"\} (\d+)/.exec(text);
    expect(Number(health?.[1])).toBeGreaterThanOrEqual(3);
    // A path's ids never become series: the pattern stands for every order.
    expect(text).toMatch(
      /dizh_http_requests_total\{route="\/api\/orders\/:id",method="GET",code="404"\} \d+/,
    );
    expect(text).not.toContain(customer.user.id);
    expect(text).toMatch(
      /dizh_actor_calls_total\{kind="OrderActor",operation="view",outcome="ok"\} \d+/,
    );
    expect(text).toMatch(
      /dizh_http_request_duration_seconds_bucket\{route="\/api\/health",method="GET",le="\+Inf"\} \d+/,
    );
  });

  it("shows admins the same figures on the System page, and no one else", async () => {
    await api("/api/health");
    await shipTelemetryIfDue(
      { bridgeUrl: env.BRIDGE_URL, secret: env.OUTBOX_SECRET, source: "gateway" },
      Date.now() + 10 * TELEMETRY_EVERY_MS,
    );
    const admin = await staffSession("admin");
    const health = await api<SystemHealth>("/api/admin/system", { token: admin.accessToken });
    expect(health.status).toBe(200);
    expect(health.body.bridge).toBe("up");
    expect(health.body.requests.total).toBeGreaterThan(0);
    const route = health.body.routes.find((r) => r.route === "/api/health");
    expect(route?.requests).toBeGreaterThan(0);
    expect(route?.p99Seconds).not.toBeNull();
    const customer = await signUp();
    expect((await api("/api/admin/system", { token: customer.accessToken })).status).toBe(403);
  });
});
