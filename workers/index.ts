import { app } from "./app.ts";

export { DriverActor } from "../durable-objects/driver/actor.ts";
export { OrderActor } from "../durable-objects/order/actor.ts";
export { RateLimiter } from "../durable-objects/rate-limiter/actor.ts";
export { RestaurantActor } from "../durable-objects/restaurant/actor.ts";
export { ZoneActor } from "../durable-objects/zone/actor.ts";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
