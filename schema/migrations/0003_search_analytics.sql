-- pg_trgm gives search its typo tolerance (similarity()). PGlite loads it as
-- a contrib extension (infra/local/database.ts); Debian's PostgreSQL ships it in postgresql-contrib.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "analytics_driver_presence" (
	"driver_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"online" boolean NOT NULL,
	CONSTRAINT "analytics_driver_presence_driver_id_seq_pk" PRIMARY KEY("driver_id","seq")
);
--> statement-breakpoint
CREATE TABLE "analytics_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"driver_id" uuid,
	"zone" text,
	"status" text NOT NULL,
	"subtotal_cents" bigint NOT NULL,
	"total_cents" bigint NOT NULL,
	"delivery_fee_cents" bigint,
	"service_fee_cents" bigint,
	"tip_cents" bigint,
	"placed_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"rejected_at" timestamp with time zone,
	"assigned_at" timestamp with time zone,
	"picked_up_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"last_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_outbox" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	CONSTRAINT "catalog_outbox_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "catalog_sequences" (
	"restaurant_id" uuid PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	CONSTRAINT "catalog_sequences_seq" CHECK ("catalog_sequences"."seq" > 0)
);
--> statement-breakpoint
CREATE TABLE "search_kitchens" (
	"restaurant_id" uuid PRIMARY KEY NOT NULL,
	"paused" boolean NOT NULL,
	"paused_seq" integer NOT NULL,
	"busy" boolean NOT NULL,
	"busy_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_restaurants" (
	"restaurant_id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"cuisine" text NOT NULL,
	"price_level" smallint NOT NULL,
	"rating" real,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"cell" text NOT NULL,
	"zone" text NOT NULL,
	"timezone" text NOT NULL,
	"opening_hours" jsonb NOT NULL,
	"prep_minutes" integer NOT NULL,
	"dietary_tags" text[] NOT NULL,
	"items" jsonb NOT NULL,
	"dish_names" text NOT NULL,
	"dish_descriptions" text NOT NULL,
	"document" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', "search_restaurants"."name"), 'A') ||
          setweight(to_tsvector('english', "search_restaurants"."cuisine"), 'B') ||
          setweight(to_tsvector('english', "search_restaurants"."dish_names"), 'C') ||
          setweight(to_tsvector('english', "search_restaurants"."dish_descriptions"), 'D')) STORED NOT NULL,
	"fuzzy_text" text GENERATED ALWAYS AS (lower("search_restaurants"."name" || ' ' || "search_restaurants"."cuisine" || ' ' || "search_restaurants"."dish_names")) STORED NOT NULL,
	"document_seq" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_presence_at" ON "analytics_driver_presence" USING btree ("at");--> statement-breakpoint
CREATE INDEX "analytics_orders_placed" ON "analytics_orders" USING btree ("placed_at");--> statement-breakpoint
CREATE INDEX "analytics_orders_restaurant" ON "analytics_orders" USING btree ("restaurant_id","placed_at");--> statement-breakpoint
CREATE INDEX "analytics_orders_zone" ON "analytics_orders" USING btree ("zone","placed_at");--> statement-breakpoint
CREATE INDEX "analytics_orders_driver" ON "analytics_orders" USING btree ("driver_id","assigned_at");--> statement-breakpoint
CREATE INDEX "catalog_outbox_claimable" ON "catalog_outbox" USING btree ("claimed_until","position");--> statement-breakpoint
CREATE INDEX "search_restaurants_document" ON "search_restaurants" USING gin ("document");--> statement-breakpoint
CREATE INDEX "search_restaurants_cuisine" ON "search_restaurants" USING btree (lower("cuisine"));--> statement-breakpoint
CREATE INDEX "search_restaurants_cell" ON "search_restaurants" USING btree ("cell");