import { type Context, Hono } from "hono";
import { etag } from "hono/etag";
import {
  archiveItem,
  createCategory,
  createItem,
  createRestaurant,
  deleteCategory,
  setOptionAvailability,
  updateCategory,
  updateItem,
  updateRestaurant,
} from "../../catalog/menu.ts";
import { findRestaurant, listNearby, loadRestaurant } from "../../catalog/queries.ts";
import { peer } from "../../durable-objects/peers.ts";
import { CodedError, unwrap } from "../../runtime/errors.ts";
import {
  CategoryBody,
  CategoryParam,
  Created,
  CreateRestaurantBody,
  ItemBody,
  ItemParam,
  NearbyQuery,
  OptionAvailabilityBody,
  OptionParam,
  RestaurantList,
  RestaurantParam,
  RestaurantWithMenu,
  UpdateItemBody,
  UpdateRestaurantBody,
} from "../../schema/catalog.ts";
import { KitchenBoard, KitchenChangeBody, KitchenState } from "../../schema/sockets.ts";
import type { AppEnv } from "../app-env.ts";
import { requireAuth } from "../auth/middleware.ts";
import { doc } from "../openapi.ts";
import { body, params, query } from "../validate.ts";

/**
 * Staff manage only their own restaurant; for any other the answer is 404, exactly as for one
 * that does not exist, so ids cannot be probed.
 */
async function ownRestaurant(c: Context<AppEnv>, id: string): Promise<void> {
  const who = c.var.principal;
  const mine = who.role === "admin" || (who.role === "restaurant" && who.restaurantId === id);
  if (!mine || !(await findRestaurant(c.var.db(), id))) {
    throw new CodedError("restaurant.not_found", "no such restaurant");
  }
}

const staff = requireAuth("restaurant", "admin");

export const restaurantRoutes = new Hono<AppEnv>()
  .get(
    "/restaurants",
    doc(
      "Restaurants near a point, nearest first",
      "catalog",
      { 200: RestaurantList },
      { auth: false, errors: [400] },
    ),
    etag(),
    query(NearbyQuery),
    async (c) => {
      c.header("cache-control", "no-cache");
      return c.json({
        restaurants: await listNearby(c.var.db(), c.req.valid("query"), Date.now()),
      });
    },
  )
  .get(
    "/restaurants/:id",
    doc(
      "One restaurant with its menu",
      "catalog",
      { 200: RestaurantWithMenu },
      { auth: false, errors: [400, 404] },
    ),
    etag(),
    params(RestaurantParam),
    async (c) => {
      const restaurant = await loadRestaurant(c.var.db(), c.req.valid("param").id, Date.now());
      if (!restaurant) throw new CodedError("restaurant.not_found", "no such restaurant");
      c.header("cache-control", "no-cache");
      return c.json(restaurant);
    },
  )
  .post(
    "/restaurants",
    doc(
      "Open a new restaurant on the platform",
      "catalog",
      { 201: Created },
      { errors: [400, 409, 422], location: true },
    ),
    requireAuth("admin"),
    body(CreateRestaurantBody),
    async (c) => {
      const id = await createRestaurant(c.var.db(), c.req.valid("json"));
      c.header("location", `/api/restaurants/${id}`);
      return c.json({ id }, 201);
    },
  )
  .patch(
    "/restaurants/:id",
    doc(
      "Update a restaurant's profile, hours or prep time",
      "catalog",
      { 200: RestaurantWithMenu },
      { errors: [400, 404, 422] },
    ),
    staff,
    params(RestaurantParam),
    body(UpdateRestaurantBody),
    async (c) => {
      const { id } = c.req.valid("param");
      await ownRestaurant(c, id);
      await updateRestaurant(c.var.db(), id, c.req.valid("json"));
      return c.json(await loadRestaurant(c.var.db(), id, Date.now()));
    },
  )
  .post(
    "/restaurants/:id/menu/categories",
    doc(
      "Add a menu category",
      "menu",
      { 201: Created },
      { errors: [400, 404, 422], location: true },
    ),
    staff,
    params(RestaurantParam),
    body(CategoryBody),
    async (c) => {
      const { id } = c.req.valid("param");
      await ownRestaurant(c, id);
      const categoryId = await createCategory(c.var.db(), id, c.req.valid("json"));
      c.header("location", `/api/restaurants/${id}/menu/categories/${categoryId}`);
      return c.json({ id: categoryId }, 201);
    },
  )
  .patch(
    "/restaurants/:id/menu/categories/:categoryId",
    doc("Rename or reorder a menu category", "menu", { 204: null }, { errors: [400, 404, 422] }),
    staff,
    params(CategoryParam),
    body(CategoryBody.partial()),
    async (c) => {
      const { id, categoryId } = c.req.valid("param");
      await ownRestaurant(c, id);
      await updateCategory(c.var.db(), id, categoryId, c.req.valid("json"));
      return c.body(null, 204);
    },
  )
  .delete(
    "/restaurants/:id/menu/categories/:categoryId",
    doc("Remove an empty menu category", "menu", { 204: null }, { errors: [400, 404, 422] }),
    staff,
    params(CategoryParam),
    async (c) => {
      const { id, categoryId } = c.req.valid("param");
      await ownRestaurant(c, id);
      await deleteCategory(c.var.db(), id, categoryId);
      return c.body(null, 204);
    },
  )
  .post(
    "/restaurants/:id/menu/items",
    doc(
      "Add a menu item with its modifier groups",
      "menu",
      { 201: Created },
      { errors: [400, 404, 422], location: true },
    ),
    staff,
    params(RestaurantParam),
    body(ItemBody),
    async (c) => {
      const { id } = c.req.valid("param");
      await ownRestaurant(c, id);
      const itemId = await createItem(c.var.db(), id, c.req.valid("json"));
      c.header("location", `/api/restaurants/${id}/menu/items/${itemId}`);
      return c.json({ id: itemId }, 201);
    },
  )
  .patch(
    "/restaurants/:id/menu/items/:itemId",
    doc(
      "Change an item: price, availability, modifiers...",
      "menu",
      { 204: null },
      { errors: [400, 404, 422] },
    ),
    staff,
    params(ItemParam),
    body(UpdateItemBody),
    async (c) => {
      const { id, itemId } = c.req.valid("param");
      await ownRestaurant(c, id);
      await updateItem(c.var.db(), id, itemId, c.req.valid("json"));
      return c.body(null, 204);
    },
  )
  .delete(
    "/restaurants/:id/menu/items/:itemId",
    doc(
      "Archive an item (past orders keep naming it)",
      "menu",
      { 204: null },
      { errors: [400, 404] },
    ),
    staff,
    params(ItemParam),
    async (c) => {
      const { id, itemId } = c.req.valid("param");
      await ownRestaurant(c, id);
      await archiveItem(c.var.db(), id, itemId);
      return c.body(null, 204);
    },
  )
  .put(
    "/restaurants/:id/menu/options/:optionId/availability",
    doc("Mark a modifier option available or not", "menu", { 204: null }, { errors: [400, 404] }),
    staff,
    params(OptionParam),
    body(OptionAvailabilityBody),
    async (c) => {
      const { id, optionId } = c.req.valid("param");
      await ownRestaurant(c, id);
      await setOptionAvailability(c.var.db(), id, optionId, c.req.valid("json").available);
      return c.body(null, 204);
    },
  )
  .get(
    "/restaurants/:id/kitchen",
    doc(
      "The kitchen's state and open tickets",
      "kitchen",
      { 200: KitchenBoard },
      { errors: [400, 404] },
    ),
    staff,
    params(RestaurantParam),
    async (c) => {
      const { id } = c.req.valid("param");
      await ownRestaurant(c, id);
      return c.json(
        unwrap(await peer(c.env, "gateway", "RestaurantActor", id).board(c.var.principal)),
      );
    },
  )
  .post(
    "/restaurants/:id/kitchen",
    doc("Busy mode, pause and resume", "kitchen", { 200: KitchenState }, { errors: [400, 404] }),
    staff,
    params(RestaurantParam),
    body(KitchenChangeBody),
    async (c) => {
      const { id } = c.req.valid("param");
      await ownRestaurant(c, id);
      const change = c.req.valid("json");
      const kitchen = peer(c.env, "gateway", "RestaurantActor", id);
      let state: KitchenState = await kitchen.kitchenState();
      if (change.busy !== undefined || change.extraPrepMinutes !== undefined) {
        const busy = change.busy ?? state.busy;
        state = unwrap(
          await kitchen.setKitchen(
            c.var.principal,
            busy ? "busy" : "calm",
            change.extraPrepMinutes,
          ),
        );
      }
      if (change.paused !== undefined) {
        state = unwrap(
          await kitchen.setKitchen(c.var.principal, change.paused ? "pause" : "resume"),
        );
      }
      return c.json(state);
    },
  );
