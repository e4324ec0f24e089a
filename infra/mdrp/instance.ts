import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * A Meal Delivery Routing Problem instance (Reyes et al. 2018; the Grubhub instance library), as
 * its five files describe it. See ../shared/data/mdrp/README.md. Coordinates are planar metres,
 * times whole minutes from the start of the day.
 */

export type Point = { x: number; y: number };

export type Restaurant = Point & { id: string };
export type InstanceOrder = Point & {
  id: string;
  placementTime: number;
  restaurantId: string;
  readyTime: number;
};
export type InstanceCourier = Point & { id: string; onTime: number; offTime: number };
export type InstanceParameters = {
  metersPerMinute: number;
  pickupServiceMinutes: number;
  dropoffServiceMinutes: number;
  targetClickToDoorMinutes: number;
  maxClickToDoorMinutes: number;
  payPerOrder: number;
  guaranteedPayPerHour: number;
};

export type Instance = {
  name: string;
  parameters: InstanceParameters;
  restaurants: Restaurant[];
  orders: InstanceOrder[];
  couriers: InstanceCourier[];
  restaurantById: ReadonlyMap<string, Restaurant>;
  orderById: ReadonlyMap<string, InstanceOrder>;
  courierById: ReadonlyMap<string, InstanceCourier>;
};

export const INSTANCE_FILES = {
  restaurants: "restaurants.txt",
  orders: "orders.txt",
  couriers: "couriers.txt",
  parameters: "instance_parameters.txt",
  characteristics: "instance_characteristics.txt",
} as const;

/** Rows per file: the published instances hold under 2,000 orders; this catches a wrong file. */
const ROWS_MAX = 100_000;

const Id = z.string().regex(/^[A-Za-z0-9_-]+$/, "ids are letters, digits, _ or -");
const Num = z.coerce.number().refine(Number.isFinite, "must be a finite number");
const Minute = Num.refine((n) => n >= 0, "must be >= 0");

const RestaurantRow = z.object({ restaurant: Id, x: Num, y: Num });
const OrderRow = z.object({
  order: Id,
  x: Num,
  y: Num,
  placement_time: Minute,
  restaurant: Id,
  ready_time: Minute,
});
const CourierRow = z.object({ courier: Id, x: Num, y: Num, on_time: Minute, off_time: Minute });
const Positive = Num.refine((n) => n > 0, "must be > 0");
const ParametersRow = z.object({
  meters_per_minute: Positive,
  "pickup service minutes": Minute,
  "dropoff service minutes": Minute,
  "target click-to-door": Positive,
  "maximum click-to-door": Positive,
  "pay per order": Minute,
  "guaranteed pay per hour": Minute,
});

/** Thrown for a malformed instance, naming the file, the line and the field. */
export class InstanceError extends Error {
  override name = "InstanceError";
}

/**
 * Reads and validates the instance in `dir` (its name is the directory's). A malformed file is an
 * InstanceError naming it by its path, with the line and the field.
 */
export function readInstance(dir: string): Instance {
  const text = (file: string) => readFileSync(path.join(dir, file), "utf8");
  const characteristicsPath = path.join(dir, INSTANCE_FILES.characteristics);
  const characteristics = existsSync(characteristicsPath)
    ? readFileSync(characteristicsPath, "utf8")
    : undefined;
  const files = {
    restaurants: text(INSTANCE_FILES.restaurants),
    orders: text(INSTANCE_FILES.orders),
    couriers: text(INSTANCE_FILES.couriers),
    parameters: text(INSTANCE_FILES.parameters),
    characteristics,
  };
  try {
    return parseInstance(path.basename(path.resolve(dir)), files);
  } catch (error) {
    // Messages start with the file's name; the reader knows where it lies.
    if (error instanceof InstanceError) throw new InstanceError(path.join(dir, error.message));
    throw error;
  }
}

/**
 * Parses the files' text. Beyond each row's shape it checks what the rules rely on: unique ids,
 * every order's restaurant known, food ready no earlier than the order is placed, shifts that end
 * after they start, and, when the characteristics file is given, its counts.
 */
export function parseInstance(
  name: string,
  files: {
    restaurants: string;
    orders: string;
    couriers: string;
    parameters: string;
    characteristics?: string | undefined;
  },
): Instance {
  const restaurants = parseTable(INSTANCE_FILES.restaurants, files.restaurants, RestaurantRow).map(
    (row): Restaurant => ({ id: row.restaurant, x: row.x, y: row.y }),
  );
  const orders = parseTable(INSTANCE_FILES.orders, files.orders, OrderRow).map(
    (row): InstanceOrder => ({
      id: row.order,
      x: row.x,
      y: row.y,
      placementTime: row.placement_time,
      restaurantId: row.restaurant,
      readyTime: row.ready_time,
    }),
  );
  const couriers = parseTable(INSTANCE_FILES.couriers, files.couriers, CourierRow).map(
    (row): InstanceCourier => ({
      id: row.courier,
      x: row.x,
      y: row.y,
      onTime: row.on_time,
      offTime: row.off_time,
    }),
  );
  const parameterRows = parseTable(INSTANCE_FILES.parameters, files.parameters, ParametersRow);
  if (parameterRows.length !== 1) {
    throw new InstanceError(`${INSTANCE_FILES.parameters}: expected exactly one row of values`);
  }
  const p = parameterRows[0]!;
  const parameters: InstanceParameters = {
    metersPerMinute: p.meters_per_minute,
    pickupServiceMinutes: p["pickup service minutes"],
    dropoffServiceMinutes: p["dropoff service minutes"],
    targetClickToDoorMinutes: p["target click-to-door"],
    maxClickToDoorMinutes: p["maximum click-to-door"],
    payPerOrder: p["pay per order"],
    guaranteedPayPerHour: p["guaranteed pay per hour"],
  };

  const restaurantById = uniqueById(INSTANCE_FILES.restaurants, restaurants);
  const orderById = uniqueById(INSTANCE_FILES.orders, orders);
  const courierById = uniqueById(INSTANCE_FILES.couriers, couriers);
  for (const order of orders) {
    if (!restaurantById.has(order.restaurantId)) {
      throw new InstanceError(
        `${INSTANCE_FILES.orders}: ${order.id} names unknown restaurant ${order.restaurantId}`,
      );
    }
    if (order.readyTime < order.placementTime) {
      throw new InstanceError(`${INSTANCE_FILES.orders}: ${order.id} is ready before it is placed`);
    }
  }
  for (const courier of couriers) {
    if (courier.offTime <= courier.onTime) {
      throw new InstanceError(
        `${INSTANCE_FILES.couriers}: ${courier.id} goes off before it comes on`,
      );
    }
  }
  if (files.characteristics !== undefined) {
    checkCounts(files.characteristics, {
      orders: orders.length,
      restaurants: restaurants.length,
      couriers: couriers.length,
    });
  }
  return {
    name,
    parameters,
    restaurants,
    orders,
    couriers,
    restaurantById,
    orderById,
    courierById,
  };
}

/** Tab-separated with a header line; blank lines ignored; each row validated by `schema`. */
function parseTable<T>(file: string, text: string, schema: z.ZodType<T>): T[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) throw new InstanceError(`${file}: empty`);
  if (lines.length - 1 > ROWS_MAX) throw new InstanceError(`${file}: more than ${ROWS_MAX} rows`);
  const header = lines[0]!.split("\t").map((h) => h.trim());
  return lines.slice(1).map((line, i) => {
    const cells = line.split("\t").map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new InstanceError(
        `${file}:${i + 2}: ${cells.length} fields, header has ${header.length}`,
      );
    }
    const parsed = schema.safeParse(Object.fromEntries(header.map((h, j) => [h, cells[j]])));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InstanceError(`${file}:${i + 2}: ${issue.path.join(".")} ${issue.message}`);
    }
    return parsed.data;
  });
}

function uniqueById<T extends { id: string }>(file: string, items: T[]): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) {
    if (byId.has(item.id)) throw new InstanceError(`${file}: duplicate id ${item.id}`);
    byId.set(item.id, item);
  }
  return byId;
}

/** The characteristics file is free text; its "number of ...: N" lines must match the data. */
function checkCounts(text: string, counts: Record<"orders" | "restaurants" | "couriers", number>) {
  for (const [what, count] of Object.entries(counts)) {
    const match = new RegExp(`^number of ${what}:\\s*(\\d+)`, "m").exec(text);
    if (match && Number(match[1]) !== count) {
      throw new InstanceError(
        `${INSTANCE_FILES.characteristics}: says ${match[1]} ${what}, the data has ${count}`,
      );
    }
  }
}

/** Travel time between two points, as the instances define it: whole minutes, rounded up. */
export function travelMinutes(from: Point, to: Point, metersPerMinute: number): number {
  return Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) / metersPerMinute);
}
