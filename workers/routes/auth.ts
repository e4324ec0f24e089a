import { Hono } from "hono";
import { findUser, login, logout, refresh, signUp } from "../../accounts/users.ts";
import { CodedError } from "../../runtime/errors.ts";
import { LoginBody, RefreshBody, Session, SignUpBody, User } from "../../schema/auth.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { clientIp, giveBack, limits, rateLimit } from "../rate-limit.ts";
import { body } from "../validate.ts";

export const authRoutes = new Hono<AppEnv>()
  .post(
    "/auth/signup",
    doc(
      "Create a customer or driver account",
      "auth",
      { 201: Session },
      { auth: false, errors: [400, 409, 429] },
    ),
    body(SignUpBody),
    async (c) => {
      await rateLimit(c, `signup:ip:${clientIp(c)}`, limits.signUpPerIp);
      const session = await signUp(
        c.var.db(),
        c.req.valid("json"),
        c.var.config.jwtSecret,
        Date.now(),
      );
      return c.json(session, 201);
    },
  )
  .post(
    "/auth/login",
    doc(
      "Sign in with email and password",
      "auth",
      { 200: Session },
      { auth: false, errors: [400, 401, 429] },
    ),
    body(LoginBody),
    async (c) => {
      const input = c.req.valid("json");
      const ip = clientIp(c);
      await rateLimit(c, `login:ip:${ip}`, limits.loginPerIp);
      // Both taken now (concurrent guesses cannot slip past), both given back by a right password:
      // they count wrong passwords only.
      const wrong = [
        [`login:email-ip:${input.email}:${ip}`, limits.loginPerEmailFromIp],
        [`login:email:${input.email}`, limits.loginPerEmail],
      ] as const;
      for (const [key, policy] of wrong) await rateLimit(c, key, policy);
      const session = await login(c.var.db(), input, c.var.config.jwtSecret, Date.now());
      for (const [key, policy] of wrong) await giveBack(c, key, policy);
      return c.json(session);
    },
  )
  .post(
    "/auth/refresh",
    doc(
      "Trade a refresh token for a new session (tokens rotate)",
      "auth",
      { 200: Session },
      { auth: false, errors: [400, 401] },
    ),
    body(RefreshBody),
    async (c) => {
      const { refreshToken } = c.req.valid("json");
      return c.json(await refresh(c.var.db(), refreshToken, c.var.config.jwtSecret, Date.now()));
    },
  )
  .post(
    "/auth/logout",
    doc(
      "Revoke a refresh token and its family",
      "auth",
      { 204: null },
      { auth: false, errors: [400] },
    ),
    body(RefreshBody),
    async (c) => {
      await logout(c.var.db(), c.req.valid("json").refreshToken, Date.now());
      return c.body(null, 204);
    },
  )
  .get("/me", doc("The signed-in user", "auth", { 200: User }), requireAuth(), async (c) => {
    const user = await findUser(c.var.db(), c.var.principal.userId);
    if (!user) throw new CodedError("auth.unauthenticated", "this account no longer exists");
    return c.json(user);
  });
