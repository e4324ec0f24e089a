import { describe, expect, it } from "vitest";
import { appShellPath } from "./assets.ts";

const get = (path: string, method = "GET") => new Request(`http://dizh.test${path}`, { method });

describe("appShellPath", () => {
  it.each([
    ["/", "/index.html"],
    ["/orders/5f0c", "/index.html"],
    ["/r/abc", "/index.html"],
    ["/restaurant/menu", "/restaurant/index.html"],
    ["/restaurant/", "/restaurant/index.html"],
    ["/driver/offer", "/driver/index.html"],
    ["/admin/orders/1", "/admin/index.html"],
    ["/restaurants-nearby", "/index.html"],
  ])("serves %s with %s", (path, shell) => {
    expect(appShellPath(get(path))).toBe(shell);
  });

  it("leaves the API to the API", () => {
    expect(appShellPath(get("/api/health"))).toBeNull();
    expect(appShellPath(get("/api"))).toBeNull();
  });

  it("leaves a missing file missing", () => {
    expect(appShellPath(get("/assets/index-old.js"))).toBeNull();
  });

  it("answers only page reads", () => {
    expect(appShellPath(get("/restaurant/menu", "POST"))).toBeNull();
  });
});
