import { describe, expect, it } from "vitest";
import { deliveryCodeFor, hashDeliveryCode } from "./delivery-code.ts";

describe("delivery codes", () => {
  it("are four digits, the same for an order every time, and differ between orders", async () => {
    const a = await deliveryCodeFor(
      "secret-0123456789abcdef0123456789abcdef",
      "00000000-0000-4000-8000-000000000001",
    );
    const again = await deliveryCodeFor(
      "secret-0123456789abcdef0123456789abcdef",
      "00000000-0000-4000-8000-000000000001",
    );
    expect(a).toMatch(/^\d{4}$/);
    expect(again).toBe(a);
    const codes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        deliveryCodeFor(
          "secret-0123456789abcdef0123456789abcdef",
          `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        ),
      ),
    );
    expect(new Set(codes).size).toBeGreaterThan(40);
  });

  it("are checked by hash, bound to their order", async () => {
    const hash = await hashDeliveryCode("order-a", "1234");
    expect(await hashDeliveryCode("order-a", "1234")).toBe(hash);
    expect(await hashDeliveryCode("order-b", "1234")).not.toBe(hash);
  });
});
