import { createMiddleware } from "hono/factory";
import { verifyAccessToken } from "../../accounts/tokens.ts";
import { CodedError, unwrap } from "../../runtime/errors.ts";
import type { Role } from "../../schema/auth.ts";
import type { AppEnv } from "../app-env.ts";

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
    const principal = unwrap(await verifyAccessToken(token, c.var.config.jwtSecret, Date.now()));
    if (roles.length > 0 && !roles.includes(principal.role)) {
      throw new CodedError("auth.forbidden", `this needs one of these roles: ${roles.join(", ")}`);
    }
    c.set("principal", principal);
    await next();
  });
}
