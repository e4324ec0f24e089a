import { createMiddleware } from "hono/factory";
import { sessionIsLive } from "../../accounts/sessions.ts";
import { verifyAccessToken } from "../../accounts/tokens.ts";
import { CodedError, unwrap } from "../../runtime/errors.ts";
import type { Role } from "../../schema/auth.ts";
import type { AppEnv } from "../app-env.ts";
import { limitPrincipal } from "../rate-limit.ts";

/**
 * Authenticates a request by its bearer token and, when roles are given, checks the role. Which
 * objects the principal may touch is checked by the route or the actor that owns the object.
 */
export function requireAuth(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : null;
    if (!token)
      throw new CodedError(
        "auth.unauthenticated",
        "sign in first: send Authorization: Bearer <access token>",
      );
    const nowMs = Date.now();
    const principal = unwrap(await verifyAccessToken(token, c.var.config.jwtSecret, nowMs));
    // Anyone can sign up as a customer or courier; staff and admins are made by an admin. A
    // flood is refused before it costs the database anything.
    if (principal.role === "customer" || principal.role === "driver") {
      limitPrincipal(principal.userId, nowMs, c.var.config.requestsPerPrincipalPerMinute);
    }
    if (!(await sessionIsLive(c.var.db(), principal, nowMs))) {
      throw new CodedError("auth.token_invalid", "this session has ended; sign in again");
    }
    if (roles.length > 0 && !roles.includes(principal.role)) {
      throw new CodedError("auth.forbidden", `this needs one of these roles: ${roles.join(", ")}`);
    }
    c.set("principal", principal);
    await next();
  });
}
