import { beforeAll, describe, expect, it } from "vitest";
import type { Session } from "../../schema/auth.ts";
import type { ErrorBody } from "../../schema/errors.ts";
import { api, kitchen, staffSession, type TestKitchen, unique } from "../../test/edge-fixtures.ts";

/**
 * A control character in any text a request carries is refused with a 400 naming the field,
 * before it reaches the database (PostgreSQL's text refuses NUL: these six answered 500).
 */
let k: TestKitchen;
let admin: Session;

beforeAll(async () => {
  [k, admin] = await Promise.all([kitchen(), staffSession("admin")]);
});

const NUL = "\u0000";

async function refused(path: string, init: Parameters<typeof api>[1], field: string) {
  const reply = await api<ErrorBody>(path, init);
  expect(reply.status).toBe(400);
  expect(reply.body.error.code).toBe("request.invalid");
  expect(reply.body.error.details).toEqual({
    issues: [{ path: field, message: "control characters are not allowed" }],
  });
}

describe("control characters", () => {
  it("are refused in a sign-up's name", async () => {
    await refused(
      "/api/auth/signup",
      {
        body: {
          email: `nul-${unique()}@test.dizhtime`,
          password: "correct horse battery",
          name: `Eve${NUL}`,
          role: "customer",
        },
      },
      "name",
    );
  });

  it("are refused in menu names and a restaurant's description", async () => {
    const token = k.staff.accessToken;
    const id = k.restaurantId;
    await refused(
      `/api/restaurants/${id}/menu/categories`,
      { token, body: { name: `Mains${NUL}`, position: 1 } },
      "name",
    );
    await refused(
      `/api/restaurants/${id}/menu/items`,
      { token, body: { categoryId: crypto.randomUUID(), name: `Soup${NUL}`, priceCents: 500 } },
      "name",
    );
    await refused(
      `/api/restaurants/${id}`,
      { token, method: "PATCH", body: { description: `Good${NUL}food` } },
      "description",
    );
  });

  it("are refused in an admin's user search and in a new staff member's name", async () => {
    const token = admin.accessToken;
    await refused(`/api/admin/users?q=a%00b`, { token }, "q");
    await refused(`/api/admin/users?after=%00`, { token }, "after");
    await refused(
      "/api/admin/users",
      {
        token,
        body: {
          email: `staff-${unique()}@test.dizhtime`,
          password: "correct horse battery",
          name: `Bob${NUL}`,
          role: "admin",
        },
      },
      "name",
    );
  });

  it("leave line breaks and tabs in free text alone", async () => {
    const reply = await api(`/api/restaurants/${k.restaurantId}`, {
      token: k.staff.accessToken,
      method: "PATCH",
      body: { description: "Good food.\n\tSince 1999." },
    });
    expect(reply.status).toBeLessThan(300);
  });
});
