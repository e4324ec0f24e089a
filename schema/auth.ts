import { z } from "zod";
import { text } from "./text.ts";

export const Role = z.enum(["customer", "restaurant", "driver", "admin"]);
export type Role = z.infer<typeof Role>;

/**
 * Who is asking. Built by the gateway from a verified token and passed to actors, which check it
 * against the objects they own. Restaurant staff carry the one restaurant they work for.
 */
export const Principal = z.object({
  userId: z.uuid(),
  role: Role,
  restaurantId: z.uuid().optional(),
  /** For display only (a kitchen ticket shows the customer's name); never for authorization. */
  name: text({ max: 100 }).optional(),
  /**
   * The session (refresh-token family) an access token was issued for: the gateway checks it is
   * still live, so logout, a revoked family or a disabled account end the token within seconds.
   */
  sessionId: z.uuid().optional(),
});
export type Principal = z.infer<typeof Principal>;

const Email = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());

/** NIST 800-63B: length over composition rules; the upper bound keeps PBKDF2 input bounded. */
const Password = text({ min: 10, max: 128 });

export const SignUpBody = z.strictObject({
  email: Email,
  password: Password,
  name: text({ min: 1, max: 100, trim: true }),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{7,20}$/)
    .optional(),
  role: z.enum(["customer", "driver"]).default("customer"),
});
export type SignUpBody = z.infer<typeof SignUpBody>;

/**
 * A signup's answer, the same whether the address was new or already had an account: either way
 * a mail is on its way to the address (a link to verify it, or a note that it has an account).
 */
export const SignUpAccepted = z.object({
  status: z.literal("verification_sent"),
  email: z.string(),
});
export type SignUpAccepted = z.infer<typeof SignUpAccepted>;

/** The token from an emailed link (its fragment, so it never reaches a server's logs). */
export const VerifyEmailBody = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a link's token: 43 base64url characters"),
});
export type VerifyEmailBody = z.infer<typeof VerifyEmailBody>;

export const ResendVerificationBody = z.strictObject({ email: Email });
export type ResendVerificationBody = z.infer<typeof ResendVerificationBody>;

/** Staff and admins are created by an admin, never by self-service sign-up. */
export const CreateStaffBody = z.strictObject({
  email: Email,
  password: Password,
  name: text({ min: 1, max: 100, trim: true }),
  role: z.enum(["restaurant", "admin"]),
  restaurantId: z.uuid().optional(),
});
export type CreateStaffBody = z.infer<typeof CreateStaffBody>;

export const LoginBody = z.strictObject({
  email: Email,
  password: text({ min: 1, max: 128 }),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({
  refreshToken: text({ min: 20, max: 200 }),
});
export type RefreshBody = z.infer<typeof RefreshBody>;

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: Role,
  restaurantId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof User>;

export const Session = z.object({
  user: User,
  accessToken: z.string(),
  accessTokenExpiresAt: z.iso.datetime(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.iso.datetime(),
});
export type Session = z.infer<typeof Session>;

/** What a socket ticket may open: one actor's live feed. */
export const LiveTarget = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("order"), id: z.uuid() }),
  z.strictObject({ kind: z.literal("restaurant"), id: z.uuid() }),
  z.strictObject({ kind: z.literal("driver"), id: z.uuid() }),
  z.strictObject({ kind: z.literal("zone"), id: z.string().regex(/^[0-9a-f]{15}$/) }),
]);
export type LiveTarget = z.infer<typeof LiveTarget>;

/**
 * An actor named in a path (`/{kind}/{id}`): each part checked on its own, as a path's parameters
 * are documented; a pair that names nothing (a zone's cell as an order id) is not found.
 */
export const ActorPathParams = z.strictObject({
  kind: z.enum(["order", "restaurant", "driver", "zone"]),
  id: z.union([z.uuid(), z.string().regex(/^[0-9a-f]{15}$/)]),
});
export type ActorPathParams = z.infer<typeof ActorPathParams>;

export const SocketTicketBody = z.strictObject({ target: LiveTarget });
export const SocketTicket = z.object({
  ticket: z.string(),
  expiresAt: z.iso.datetime(),
  url: z.string(),
});
export type SocketTicket = z.infer<typeof SocketTicket>;

export const CreatedUser = z.object({ user: User });
