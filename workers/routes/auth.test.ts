import { describe, expect, it } from "vitest";
import type { Session, User } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import { api, signUp, staffSession, unique } from "../../test/edge-fixtures.ts";

const ip = () => ({ "cf-connecting-ip": `192.0.2.${Math.floor(Math.random() * 250)}-${unique()}` });

describe("signing up and in", () => {
  it("will not let anyone sign themselves up as staff or admin", async () => {
    const reply = await api<ErrorBody>("/api/auth/signup", {
      body: {
        email: `x-${unique()}@t.test`,
        password: "a long enough password",
        name: "X",
        role: "admin",
      },
      headers: ip(),
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("request.invalid");
  });

  it("logs in with the right password and refuses a wrong one without saying which part was wrong", async () => {
    const session = await signUp();
    const ok = await api<Session>("/api/auth/login", {
      body: { email: session.user.email, password: "correct horse battery" },
      headers: ip(),
    });
    expect(ok.status).toBe(200);
    const wrong = await api<ErrorBody>("/api/auth/login", {
      body: { email: session.user.email, password: "not the password" },
      headers: ip(),
    });
    const nobody = await api<ErrorBody>("/api/auth/login", {
      body: { email: `nobody-${unique()}@t.test`, password: "not the password" },
      headers: ip(),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(nobody.body);
  });

  it("upgrades a hash made with fewer iterations at the next login", async () => {
    const admin = await staffSession("admin");
    const again = await api<Session>("/api/auth/login", {
      body: { email: admin.user.email, password: "correct horse battery" },
      headers: ip(),
    });
    expect(again.status).toBe(200);
  });
});

describe("refresh tokens", () => {
  it("rotate: each is good once, and a reused one revokes the whole family", async () => {
    const session = await signUp();
    const rotated = await api<Session>("/api/auth/refresh", {
      body: { refreshToken: session.refreshToken },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(session.refreshToken);

    const replayed = await api<ErrorBody>("/api/auth/refresh", {
      body: { refreshToken: session.refreshToken },
    });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe("auth.refresh_invalid");

    const successor = await api<ErrorBody>("/api/auth/refresh", {
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(successor.status).toBe(401);
  });

  it("stop working after logout", async () => {
    const session = await signUp();
    expect(
      (await api("/api/auth/logout", { body: { refreshToken: session.refreshToken } })).status,
    ).toBe(204);
    const reply = await api<ErrorBody>("/api/auth/refresh", {
      body: { refreshToken: session.refreshToken },
    });
    expect(reply.body.error.code).toBe("auth.refresh_invalid");
  });
});

/** Whether an access token still reads /api/me, asked until it stops or `withinMs` passes. */
async function stillWorks(accessToken: string, withinMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const me = await api("/api/me", { token: accessToken });
    if (me.status === 401) return false;
    if (Date.now() > deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("a session that ends", () => {
  it("ends its access token too, within seconds, at logout", async () => {
    const session = await signUp();
    expect(await stillWorks(session.accessToken, 0)).toBe(true);
    await api("/api/auth/logout", { body: { refreshToken: session.refreshToken } });
    expect(await stillWorks(session.accessToken)).toBe(false);
  });

  it("ends every access token of an account an admin disables, within seconds", async () => {
    const admin = await staffSession("admin");
    const session = await signUp();
    expect(await stillWorks(session.accessToken, 0)).toBe(true);
    await api(`/api/admin/users/${session.user.id}/disable`, {
      method: "POST",
      token: admin.accessToken,
    });
    expect(await stillWorks(session.accessToken)).toBe(false);
    const topUp = await api("/api/wallet/top-ups", {
      token: session.accessToken,
      body: { amountCents: 1_000, idempotencyKey: `top-up-${unique()}` },
    });
    expect(topUp.status).toBe(401);
  });

  it("leaves no working token after two refreshes race with one token", async () => {
    for (let trial = 0; trial < 5; trial++) {
      const session = await signUp();
      const replies = await Promise.all(
        [1, 2].map(() =>
          api<Session>("/api/auth/refresh", { body: { refreshToken: session.refreshToken } }),
        ),
      );
      for (const reply of replies.filter((r) => r.status === 200)) {
        expect(await stillWorks(reply.body.accessToken)).toBe(false);
        const next = await api("/api/auth/refresh", {
          body: { refreshToken: reply.body.refreshToken },
        });
        expect(next.status).toBe(401);
      }
    }
  });
});

describe("a flood from one token", () => {
  it("is slowed with 429 and Retry-After, and other users are not", async () => {
    const [flooder, bystander] = await Promise.all([signUp(), signUp()]);
    // As fast as a script would, 25 at a time: the burst allowance is 100, the refill 5 a second.
    const replies: Awaited<ReturnType<typeof api>>[] = [];
    for (let wave = 0; wave < 8; wave++) {
      replies.push(
        ...(await Promise.all(
          Array.from({ length: 25 }, () => api("/api/me", { token: flooder.accessToken })),
        )),
      );
    }
    const ok = replies.filter((r) => r.status === 200).length;
    const limited = replies.filter((r) => r.status === 429);
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(limited.length).toBeGreaterThan(0);
    expect(ok + limited.length, JSON.stringify(replies.map((r) => r.status))).toBe(200);
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await api("/api/me", { token: bystander.accessToken })).status).toBe(200);
  });
});

describe("the gateway's checks", () => {
  it("answers 401 without a token", async () => {
    const reply = await api<ErrorBody>("/api/orders");
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe("auth.unauthenticated");
  });

  it("answers 401 to a tampered token", async () => {
    const session = await signUp();
    const [head, payload, signature] = session.accessToken.split(".");
    const claims = JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/")));
    const forged = btoa(JSON.stringify({ ...claims, role: "admin" }))
      .replaceAll("=", "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
    const reply = await api<ErrorBody>("/api/orders", { token: `${head}.${forged}.${signature}` });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe("auth.token_invalid");
  });

  it("answers 403 to the wrong role", async () => {
    const customer = await signUp();
    const reply = await api<ErrorBody>("/api/admin/users", {
      token: customer.accessToken,
      body: {
        email: `s-${unique()}@t.test`,
        password: "a long enough password",
        name: "S",
        role: "admin",
      },
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe("auth.forbidden");
  });

  it("slows a guesser at an account, not its owner signing in from elsewhere", async () => {
    const session = await signUp();
    const guesser = ip();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const reply = await api("/api/auth/login", {
        body: { email: session.user.email, password: "wrong password" },
        headers: guesser,
      });
      statuses.push(reply.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    const limited = await api<ErrorBody>("/api/auth/login", {
      body: { email: session.user.email, password: "correct horse battery" },
      headers: guesser,
    });
    expect(limited.body.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The owner, from their own address, with the right password, every time.
    const home = ip();
    for (let i = 0; i < 6; i++) {
      const owner = await api<Session>("/api/auth/login", {
        body: { email: session.user.email, password: "correct horse battery" },
        headers: home,
      });
      expect(owner.status).toBe(200);
    }
  });

  it("slows guessing spread over many addresses only when it is a real campaign", async () => {
    const session = await signUp();
    for (let address = 0; address < 8; address++) {
      const from = ip();
      for (let i = 0; i < 5; i++) {
        await api("/api/auth/login", {
          body: { email: session.user.email, password: "wrong password" },
          headers: from,
        });
      }
    }
    // Forty wrong passwords from eight addresses: the owner still signs in.
    const owner = await api("/api/auth/login", {
      body: { email: session.user.email, password: "correct horse battery" },
      headers: ip(),
    });
    expect(owner.status).toBe(200);
    // Past fifty, the account is slowed for everyone until the guessing stops.
    for (let i = 0; i < 15; i++) {
      await api("/api/auth/login", {
        body: { email: session.user.email, password: "wrong password" },
        headers: ip(),
      });
    }
    const slowed = await api("/api/auth/login", {
      body: { email: session.user.email, password: "correct horse battery" },
      headers: ip(),
    });
    expect(slowed.status).toBe(429);
  });

  it("refuses to make staff for a restaurant that does not exist", async () => {
    const admin = await staffSession("admin");
    const reply = await api<{ user: User }>("/api/admin/users", {
      token: admin.accessToken,
      body: {
        email: `s-${unique()}@t.test`,
        password: "a long enough password",
        name: "S",
        role: "restaurant",
        restaurantId: crypto.randomUUID(),
      },
    });
    expect(reply.status).toBe(404);
  });
});

describe("bad input", () => {
  it.each([
    [
      "malformed JSON",
      "{not json",
      { "content-type": "application/json" },
      400,
      "request.malformed_json",
    ],
    [
      "an unknown field",
      JSON.stringify({ email: "a@b.co", password: "x", admin: true }),
      { "content-type": "application/json" },
      400,
      "request.invalid",
    ],
    [
      "a non-JSON body",
      "email=a@b.co",
      { "content-type": "application/x-www-form-urlencoded" },
      415,
      "request.unsupported_media_type",
    ],
    [
      "an oversized body",
      JSON.stringify({ email: "a@b.co", password: "x".repeat(70_000) }),
      { "content-type": "application/json" },
      413,
      "request.too_large",
    ],
  ])("refuses %s with a code", async (_, raw, headers, status, code) => {
    const reply = await api<ErrorBody>("/api/auth/login", {
      body: raw,
      headers: { ...headers, ...ip() },
    });
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(code);
  });

  it("answers a method a route does not take with 405 and the methods it does", async () => {
    const reply = await api<ErrorBody>("/api/auth/login", { method: "PUT", body: {} });
    expect(reply.status).toBe(405);
    expect(reply.body.error.code).toBe("method_not_allowed");
    expect(reply.headers.get("allow")).toBe("POST");
    const order = await api(`/api/orders/${crypto.randomUUID()}`, { method: "DELETE" });
    expect(order.status).toBe(405);
    expect(order.headers.get("allow")).toContain("GET");
  });

  it("sends security headers and grants no other origin", async () => {
    const reply = await api("/api/health", { headers: { origin: "https://evil.example" } });
    expect(reply.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(reply.headers.get("strict-transport-security")).toContain("max-age=");
    expect(reply.headers.get("referrer-policy")).toBe("no-referrer");
    expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
    expect(reply.headers.get("access-control-allow-origin")).toBeNull();
    const own = await api("/api/health", { headers: { origin: "http://dizhtime.test" } });
    expect(own.headers.get("access-control-allow-origin")).toBe("http://dizhtime.test");
  });

  it("answers unknown routes with a coded 404", async () => {
    const reply = await api<ErrorBody>("/api/nope");
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("not_found");
  });

  it("documents every route in an OpenAPI document built from the same schemas", async () => {
    const reply = await api<{ openapi: string; paths: Record<string, unknown> }>("/api/docs");
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toMatch(/^3\./);
    for (const path of [
      "/api/auth/login",
      "/api/orders",
      "/api/orders/{id}",
      "/api/restaurants/{id}",
      "/api/live/tickets",
    ]) {
      expect(Object.keys(reply.body.paths)).toContain(path);
    }
  });
});
