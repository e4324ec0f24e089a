import ReconnectingWebSocket from "partysocket/ws";
import {
  ALWAYS_OPEN_SLUG,
  DEMO_ADMIN,
  DEMO_CUSTOMERS,
  DEMO_PASSWORDS,
  DEMO_STAFF,
} from "../../infra/demo/city.ts";
import type { Session, SocketTicket } from "../../schema/auth.ts";
import type { RestaurantSummary, RestaurantWithMenu } from "../../schema/catalog.ts";
import type { Order } from "../../schema/orders.ts";
import { awaitMail, linkToken } from "../mailbox.ts";
import { SocketInbox } from "../socket-inbox.ts";

export { freePort } from "../../infra/local/processes.ts";
export { eventually } from "../eventually.ts";

export type Reply<T> = { status: number; body: T };

/**
 * A scripted client of the platform, doing what the apps do: HTTP with a bearer token, and live
 * sockets through partysocket, each (re)connect fetching a fresh one-minute ticket.
 */
export class Client {
  readonly baseUrl: string;
  session: Session | null = null;
  private readonly sockets: ReconnectingWebSocket[] = [];

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async call<T>(
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.session) headers.authorization = `Bearer ${this.session.accessToken}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /**
   * Signs up as a person does: the signup, then the link mailed to the address (read from the
   * stack's mailbox folder), followed.
   */
  async signUp(body: Record<string, string>, mailboxDir: string): Promise<Session> {
    const reply = await this.call("/api/auth/signup", { body });
    if (reply.status !== 202)
      throw new Error(`signup: ${reply.status} ${JSON.stringify(reply.body)}`);
    const mail = await awaitMail(mailboxDir, body.email ?? "", /Confirm your email/);
    return this.signIn("/api/auth/verify-email", { token: linkToken(mail.link) });
  }

  async signIn(
    path: "/api/auth/login" | "/api/auth/verify-email",
    body: Record<string, string>,
  ): Promise<Session> {
    const reply = await this.call<Session>(path, { body });
    if (reply.status >= 300)
      throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.session = reply.body;
    return reply.body;
  }

  /**
   * Puts money in the wallet the way a customer does: a payment intent, confirmed with a test
   * card at the simulated provider, whose signed webhook credits the wallet.
   */
  async topUp(amountCents: number): Promise<void> {
    const intent = await this.call<{ confirmUrl: string; clientSecret: string }>(
      "/api/wallet/top-ups",
      { body: { amountCents, idempotencyKey: `top-up-${crypto.randomUUID()}` } },
    );
    if (intent.status !== 201)
      throw new Error(`top-up: ${intent.status} ${JSON.stringify(intent.body)}`);
    const confirmed = await this.call<{ status: string }>(intent.body.confirmUrl, {
      body: { clientSecret: intent.body.clientSecret, card: "4242 4242 4242 4242" },
    });
    if (confirmed.body?.status !== "succeeded")
      throw new Error(`confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  }

  /** A live socket on one actor, reconnecting by itself with a fresh ticket each time. */
  live<M>(
    kind: "order" | "restaurant",
    id: string,
  ): { socket: ReconnectingWebSocket; inbox: SocketInbox<M> } {
    const socket = new ReconnectingWebSocket(
      async () => {
        const ticket = await this.call<SocketTicket>("/api/live/tickets", {
          body: { target: { kind, id } },
        });
        if (ticket.status !== 200)
          throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.body)}`);
        return `${this.baseUrl.replace(/^http/, "ws")}${ticket.body.url}`;
      },
      [],
      { maxRetries: 50, minReconnectionDelay: 200, maxReconnectionDelay: 2_000 },
    );
    this.sockets.push(socket);
    return {
      socket,
      inbox: new SocketInbox<M>(socket as unknown as ConstructorParameters<typeof SocketInbox>[0]),
    };
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
  }
}

/**
 * The demo city's always-open kitchen and a dish of it that needs no modifier, as a customer finds
 * them: near downtown, then its menu.
 */
export async function alwaysOpenDish(client: Client) {
  const nearby = await client.call<{ restaurants: RestaurantSummary[] }>(
    "/api/restaurants?lat=30.2672&lng=-97.7431&radiusM=10000",
  );
  const restaurant = nearby.body.restaurants.find((r) => r.slug === ALWAYS_OPEN_SLUG)!;
  const menu = (await client.call<RestaurantWithMenu>(`/api/restaurants/${restaurant.id}`)).body;
  const item = menu.menu
    .flatMap((c) => c.items)
    .find((i) => i.available && i.modifierGroups.every((g) => g.minChoices === 0))!;
  return { restaurant, item, nearby: nearby.body.restaurants };
}

/**
 * Places one order of the always-open kitchen's dish, delivered half a kilometre away, as the
 * customer's checkout does; answers the API's reply (201 with the order, or the refusal).
 */
export async function placeAlwaysOpenOrder(
  customer: Client,
  dish: Awaited<ReturnType<typeof alwaysOpenDish>>,
  idempotencyKey: string,
): Promise<Reply<Order>> {
  const { restaurant, item } = dish;
  return customer.call<Order>("/api/orders", {
    body: {
      restaurantId: restaurant.id,
      items: [{ itemId: item.id, quantity: 1, modifiers: [] }],
      deliveryAddress: {
        lat: restaurant.location.lat + 0.005,
        lng: restaurant.location.lng,
        text: "701 Brazos St, Austin, TX",
      },
      idempotencyKey,
    },
  });
}

/** Sign-ins to the demo city the tests use: its first customer, the always-open kitchen, the admin. */
export const DEMO_LOGINS = {
  customer: { email: DEMO_CUSTOMERS[0]!.email, password: DEMO_PASSWORDS.customer },
  kitchen: {
    email: DEMO_STAFF.find((s) => s.restaurantSlug === ALWAYS_OPEN_SLUG)!.email,
    password: DEMO_PASSWORDS.restaurant,
  },
  admin: { email: DEMO_ADMIN.email, password: DEMO_PASSWORDS.admin },
} as const;
