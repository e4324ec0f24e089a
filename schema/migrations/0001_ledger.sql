CREATE TABLE "ledger_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"owner_id" uuid,
	"currency" text NOT NULL,
	"debits_must_not_exceed_credits" boolean DEFAULT false NOT NULL,
	"credits_must_not_exceed_debits" boolean DEFAULT false NOT NULL,
	"debits_pending" bigint DEFAULT 0 NOT NULL,
	"debits_posted" bigint DEFAULT 0 NOT NULL,
	"credits_pending" bigint DEFAULT 0 NOT NULL,
	"credits_posted" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_balances_non_negative" CHECK ("ledger_accounts"."debits_pending" >= 0 and "ledger_accounts"."debits_posted" >= 0 and "ledger_accounts"."credits_pending" >= 0 and "ledger_accounts"."credits_posted" >= 0),
	CONSTRAINT "ledger_accounts_balances_safe" CHECK ("ledger_accounts"."debits_pending" + "ledger_accounts"."debits_posted" <= 9007199254740991 and "ledger_accounts"."credits_pending" + "ledger_accounts"."credits_posted" <= 9007199254740991),
	CONSTRAINT "ledger_accounts_one_limit_flag" CHECK (not ("ledger_accounts"."debits_must_not_exceed_credits" and "ledger_accounts"."credits_must_not_exceed_debits")),
	CONSTRAINT "ledger_accounts_debits_within_credits" CHECK (not "ledger_accounts"."debits_must_not_exceed_credits" or "ledger_accounts"."debits_pending" + "ledger_accounts"."debits_posted" <= "ledger_accounts"."credits_posted"),
	CONSTRAINT "ledger_accounts_credits_within_debits" CHECK (not "ledger_accounts"."credits_must_not_exceed_debits" or "ledger_accounts"."credits_pending" + "ledger_accounts"."credits_posted" <= "ledger_accounts"."debits_posted")
);
--> statement-breakpoint
CREATE TABLE "ledger_transfers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_transfers_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"debit_account_id" uuid NOT NULL,
	"credit_account_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"code" text NOT NULL,
	"pending_id" uuid,
	"chain_id" uuid,
	"timeout_ms" integer,
	"expires_at" timestamp with time zone,
	"state" text NOT NULL,
	"resolved_by_id" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"order_id" uuid,
	"metadata" jsonb,
	"request_hash" text NOT NULL,
	CONSTRAINT "ledger_transfers_amount_positive" CHECK ("ledger_transfers"."amount" > 0 and "ledger_transfers"."amount" <= 9007199254740991),
	CONSTRAINT "ledger_transfers_accounts_different" CHECK ("ledger_transfers"."debit_account_id" <> "ledger_transfers"."credit_account_id"),
	CONSTRAINT "ledger_transfers_kind" CHECK ("ledger_transfers"."kind" in ('posted', 'pending', 'post_pending', 'void_pending')),
	CONSTRAINT "ledger_transfers_pending_id" CHECK (("ledger_transfers"."kind" in ('post_pending', 'void_pending')) = ("ledger_transfers"."pending_id" is not null)),
	CONSTRAINT "ledger_transfers_timeout" CHECK (("ledger_transfers"."timeout_ms" is null or "ledger_transfers"."kind" = 'pending') and ("ledger_transfers"."timeout_ms" is null) = ("ledger_transfers"."expires_at" is null)),
	CONSTRAINT "ledger_transfers_state" CHECK (case "ledger_transfers"."kind"
        when 'posted' then "ledger_transfers"."state" = 'posted'
        when 'post_pending' then "ledger_transfers"."state" = 'posted'
        when 'void_pending' then "ledger_transfers"."state" = 'voided'
        else "ledger_transfers"."state" in ('pending', 'posted', 'voided') end),
	CONSTRAINT "ledger_transfers_resolution" CHECK (("ledger_transfers"."kind" = 'pending' and "ledger_transfers"."state" <> 'pending') = ("ledger_transfers"."resolved_at" is not null)
        and ("ledger_transfers"."resolved_by_id" is null or "ledger_transfers"."resolved_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "payment_intents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"provider" text NOT NULL,
	"provider_intent_id" text,
	"client_secret" text,
	"status" text NOT NULL,
	"failure_code" text,
	"transfer_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_intents_provider_intent_id_unique" UNIQUE("provider_intent_id"),
	CONSTRAINT "payment_intents_amount" CHECK ("payment_intents"."amount_cents" > 0),
	CONSTRAINT "payment_intents_status" CHECK ("payment_intents"."status" in ('created', 'requires_confirmation', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "payment_simulator_intents" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"client_secret" text NOT NULL,
	"status" text NOT NULL,
	"failure_code" text,
	"metadata" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_simulator_intents_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_debit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("debit_account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_credit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("credit_account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_intents" ADD CONSTRAINT "payment_intents_customer_id_users_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_accounts_code_owner" ON "ledger_accounts" USING btree ("code","owner_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_debit" ON "ledger_transfers" USING btree ("debit_account_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_transfers_credit" ON "ledger_transfers" USING btree ("credit_account_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_transfers_order" ON "ledger_transfers" USING btree ("order_id") WHERE "ledger_transfers"."order_id" is not null;--> statement-breakpoint
CREATE INDEX "ledger_transfers_pending_expiry" ON "ledger_transfers" USING btree ("expires_at") WHERE "ledger_transfers"."state" = 'pending' and "ledger_transfers"."expires_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transfers_resolves_once" ON "ledger_transfers" USING btree ("pending_id") WHERE "ledger_transfers"."pending_id" is not null;--> statement-breakpoint
CREATE INDEX "ledger_transfers_created" ON "ledger_transfers" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "payment_intents_customer" ON "payment_intents" USING btree ("customer_id","created_at");