ALTER TABLE "analytics_orders" ADD COLUMN "promised_by" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "analytics_orders" ADD COLUMN "quoted_minutes" integer;