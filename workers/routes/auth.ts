import { type Context, Hono } from "hono";
import { resendVerification, signUp, verifyEmail } from "../../accounts/signup.ts";
import { findUser, login, logout, refresh } from "../../accounts/users.ts";
import { CodedError } from "../../runtime/errors.ts";
import {
  LoginBody,
  RefreshBody,
  ResendVerificationBody,
  Session,
  SignUpAccepted,
  SignUpBody,
  User,
  VerifyEmailBody,
} from "../../schema/auth.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { clientIp, giveBack, limits, rateLimit } from "../rate-limit.ts";
import { body } from "../validate.ts";

export const authRoutes = new Hono<AppEnv>()
  .post(
    "/auth/signup",
    doc(
      "Create a customer or driver account: a link to verify the address is mailed to it (an address that already has an account is told so instead, by mail; the answer is the same)",
      "auth",
      { 202: SignUpAccepted },
      { auth: false, errors: [400, 429] },
    ),
    body(SignUpBody),
    async (c) => {
      const input = c.req.valid("json");
      await rateLimit(c, `signup:ip:${clientIp(c)}`, limits.signUpPerIp);
      // Every address alike, so the limit says nothing about which have accounts; it keeps a
      // mailbox from being flooded.
      await rateLimit(c, `mail:email:${input.email}`, limits.mailPerAddress);
      await signUp(c.var.db(), input, linkOrigin(c), Date.now());
      return c.json({ status: "verification_sent" as const, email: input.email }, 202);
    },
  )
  .post(
    "/auth/verify-email",
    doc(
      "Follow an emailed verification link: the address is verified and its owner signed in",
      "auth",
      { 200: Session },
      { auth: false, errors: [400, 422, 429] },
    ),
    body(VerifyEmailBody),
    async (c) => {
      await rateLimit(c, `verify:ip:${clientIp(c)}`, limits.signUpPerIp);
      const { token } = c.req.valid("json");
      return c.json(await verifyEmail(c.var.db(), token, c.var.config.jwtSecret, Date.now()));
    },
  )
  .post(
    "/auth/verify-email/resend",
    doc(
      "Mail a new verification link to an unverified account (answered alike for every address)",
      "auth",
      { 202: SignUpAccepted },
      { auth: false, errors: [400, 429] },
    ),
    body(ResendVerificationBody),
    async (c) => {
      const { email } = c.req.valid("json");
      await rateLimit(c, `signup:ip:${clientIp(c)}`, limits.signUpPerIp);
      await rateLimit(c, `mail:email:${email}`, limits.mailPerAddress);
      await resendVerification(c.var.db(), email, linkOrigin(c), Date.now());
      return c.json({ status: "verification_sent" as const, email }, 202);
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

/** The origin of mailed links: the configured one, never a client's Host or Origin header. */
function linkOrigin(c: Context<AppEnv>): string {
  return c.var.config.publicOrigin ?? new URL(c.req.url).origin;
}
