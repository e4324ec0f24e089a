CREATE TABLE "ledger_feed_cursor" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"horizon" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_feed_cursor_one_row" CHECK ("ledger_feed_cursor"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "ledger_flow_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_flows" (
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"code" text NOT NULL,
	"movement" text NOT NULL,
	"transfers" integer NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "ledger_flows_day_currency_code_movement_pk" PRIMARY KEY("day","currency","code","movement"),
	CONSTRAINT "ledger_flows_movement" CHECK ("ledger_flows"."movement" in ('moved', 'held', 'released', 'expired'))
);
--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD COLUMN "created_xid" bigint DEFAULT (pg_current_xact_id()::text::bigint) NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD COLUMN "expired_xid" bigint;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD COLUMN "expired_seq" bigint;--> statement-breakpoint
CREATE INDEX "ledger_transfers_created_xid" ON "ledger_transfers" USING brin ("created_xid");--> statement-breakpoint
CREATE INDEX "ledger_transfers_expired_xid" ON "ledger_transfers" USING btree ("expired_xid") WHERE "ledger_transfers"."expired_xid" is not null;--> statement-breakpoint
-- The feed starts at the beginning: every transfer already written is relayed once.
INSERT INTO "ledger_feed_cursor" ("id", "horizon") VALUES (1, 0);
--> statement-breakpoint
-- A hold voided because it timed out gets no row of its own (as in TigerBeetle), so its release
-- is stamped on the hold: the transaction that released it, for the feed's horizon, and a ledger
-- position from `seq`'s own sequence. Both the engine (ledger_create_transfers, step 3) and the
-- sweeper (ledger_void_expired) void expired holds only after locking their accounts, so the
-- position orders the release with every transfer on those accounts. A hold voided by a caller
-- names its void transfer (resolved_by_id) and is relayed through that transfer's row instead.
CREATE OR REPLACE FUNCTION ledger_stamp_expiry() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.expired_xid := pg_current_xact_id()::text::bigint;
  NEW.expired_seq := nextval(pg_get_serial_sequence('ledger_transfers', 'seq'));
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "ledger_transfers_expired"
BEFORE UPDATE OF "state" ON "ledger_transfers"
FOR EACH ROW
WHEN (OLD.state = 'pending' AND NEW.state = 'voided' AND NEW.resolved_by_id IS NULL)
EXECUTE FUNCTION ledger_stamp_expiry();
