-- Custom SQL migration file, put your code below! --
-- The ledger's single-transfer path: one posted or pending transfer, unlinked, the commonest call
-- there is (a payment, a hold, a top-up). It decides exactly as ledger_create_transfers decides a
-- batch of one (workers/ledger/model.ts is the specification for both, and the property tests
-- send batches of one through this path and hold it to the model), in about half the work: typed
-- arguments instead of a jsonb batch, and two locked rows instead of arrays and set-wise writes
-- (bench/ledger: the batch function called with one transfer cost ~1.4x a pgbench TPC-B
-- transaction in backend CPU; this one, ~0.7x).
--
-- Order of the checks, as in the batch path: accounts differ, amount non-zero, the id (exists or
-- exists with different fields), accounts found (debit, then credit), holds expired between the
-- two accounts voided, currencies, overflows, limits. The hash is the batch path's, built
-- from the same fields with the same types, so a transfer sent alone and again in a batch (or the
-- other way round) answers `exists`.
-- One transfer through the batch path, for the answers the single path leaves to it.
CREATE OR REPLACE FUNCTION ledger_batch_of_one(
  t_id uuid, t_kind text, t_debit uuid, t_credit uuid, t_amount bigint, t_currency text,
  t_code text, t_timeout int, t_order uuid, t_metadata jsonb, now timestamptz)
RETURNS text
LANGUAGE sql
AS $$
  SELECT ledger_create_transfers(jsonb_build_array(jsonb_build_object(
    'id', t_id, 'kind', t_kind, 'debitAccountId', t_debit, 'creditAccountId', t_credit,
    'amount', t_amount, 'currency', t_currency, 'code', t_code, 'timeoutMs', t_timeout,
    'orderId', t_order, 'metadata', t_metadata)), now) ->> 0;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_create_transfer(
  t_id uuid, t_kind text, t_debit uuid, t_credit uuid, t_amount bigint, t_currency text,
  t_code text, t_timeout int, t_order uuid, t_metadata jsonb, now timestamptz)
RETURNS text
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  -- Balances stay exact as JavaScript numbers: 2^53 - 1.
  safe constant bigint := 9007199254740991;
  h text;
  d ledger_accounts%ROWTYPE;
  c ledger_accounts%ROWTYPE;
  e record;
  -- The two accounts' balances as they will be written: debit account (d_*), credit (c_*).
  d_dp bigint; d_dpo bigint; d_cp bigint; d_cpo bigint;
  c_dp bigint; c_dpo bigint; c_cp bigint; c_cpo bigint;
  released boolean := false;
  r text;
  cnt int;
BEGIN
  ASSERT t_kind IN ('posted', 'pending'), 'ledger: the single path takes posted and pending transfers';
  ASSERT t_id IS NOT NULL AND t_debit IS NOT NULL AND t_credit IS NOT NULL
    AND t_amount IS NOT NULL AND t_currency IS NOT NULL AND t_code IS NOT NULL,
    'ledger: a single transfer is missing a field';
  ASSERT now IS NOT NULL, 'ledger: now must be given';
  ASSERT t_amount >= 0 AND t_amount <= safe, 'ledger: the amount is out of range';
  ASSERT t_timeout IS NULL OR (t_kind = 'pending' AND t_timeout > 0),
    'ledger: a timeout on a transfer that is not pending';

  h := encode(sha256(convert_to(jsonb_build_array(t_kind, t_debit, t_credit, t_amount,
    t_currency, t_code, NULL::uuid, t_timeout, false, t_order, t_metadata)::text, 'UTF8')), 'hex');
  -- One account only: no hold can lie between it and itself, so nothing else would change.
  IF t_debit = t_credit THEN RETURN 'accounts_must_be_different'; END IF;
  -- The rare answers that still release expired holds between the accounts involved (a zero
  -- amount; an id already stored, whose accounts count too) go through the batch path, which
  -- decides them exactly.
  IF t_amount = 0 THEN RETURN ledger_batch_of_one(t_id, t_kind, t_debit, t_credit, t_amount,
    t_currency, t_code, t_timeout, t_order, t_metadata, now); END IF;

  -- Lock both accounts in id order, as every batch does, so no two calls ever deadlock.
  PERFORM 1 FROM ledger_accounts WHERE id IN (t_debit, t_credit) ORDER BY id FOR UPDATE;
  -- The id is looked for under the locks: the same transfer sent twice at once waits here for
  -- the first, then sees it stored and answers `exists` (through the batch path), as a batch
  -- would. (A copy with other accounts may still race past; its insert then hits the primary
  -- key, and the caller's retry answers.)
  PERFORM 1 FROM ledger_transfers WHERE id = t_id;
  IF FOUND THEN RETURN ledger_batch_of_one(t_id, t_kind, t_debit, t_credit, t_amount,
    t_currency, t_code, t_timeout, t_order, t_metadata, now); END IF;
  SELECT * INTO d FROM ledger_accounts WHERE id = t_debit;
  IF NOT FOUND THEN RETURN 'debit_account_not_found'; END IF;
  SELECT * INTO c FROM ledger_accounts WHERE id = t_credit;
  IF NOT FOUND THEN RETURN 'credit_account_not_found'; END IF;
  d_dp := d.debits_pending; d_dpo := d.debits_posted; d_cp := d.credits_pending; d_cpo := d.credits_posted;
  c_dp := c.debits_pending; c_dpo := c.debits_posted; c_cp := c.credits_pending; c_cpo := c.credits_posted;

  -- Holds between the two accounts that have timed out are released first, and stay released
  -- whatever this transfer's answer (as in the batch path).
  FOR e IN
    UPDATE ledger_transfers SET state = 'voided', resolved_at = now
    WHERE state = 'pending' AND expires_at <= now
      AND debit_account_id IN (t_debit, t_credit) AND credit_account_id IN (t_debit, t_credit)
    RETURNING debit_account_id, amount
  LOOP
    released := true;
    IF e.debit_account_id = t_debit THEN
      d_dp := d_dp - e.amount; c_cp := c_cp - e.amount;
    ELSE
      c_dp := c_dp - e.amount; d_cp := d_cp - e.amount;
    END IF;
  END LOOP;
  ASSERT d_dp >= 0 AND d_cp >= 0 AND c_dp >= 0 AND c_cp >= 0,
    'ledger: an expired hold released more than it held';

  r := CASE
    WHEN d.currency <> c.currency THEN 'accounts_must_have_the_same_currency'
    WHEN t_currency <> d.currency THEN 'transfer_must_have_the_same_currency_as_accounts'
    WHEN d_dp + d_dpo + t_amount > safe THEN 'overflows_debits'
    WHEN c_cp + c_cpo + t_amount > safe THEN 'overflows_credits'
    WHEN d.debits_must_not_exceed_credits AND d_dp + d_dpo + t_amount > d_cpo THEN 'exceeds_credits'
    WHEN c.credits_must_not_exceed_debits AND c_cp + c_cpo + t_amount > c_dpo THEN 'exceeds_debits'
    ELSE 'ok'
  END;
  IF r = 'ok' THEN
    IF t_kind = 'posted' THEN
      d_dpo := d_dpo + t_amount; c_cpo := c_cpo + t_amount;
    ELSE
      d_dp := d_dp + t_amount; c_cp := c_cp + t_amount;
    END IF;
  ELSIF NOT released THEN
    RETURN r;
  END IF;

  UPDATE ledger_accounts
  SET debits_pending = d_dp, debits_posted = d_dpo, credits_pending = d_cp, credits_posted = d_cpo
  WHERE id = t_debit;
  GET DIAGNOSTICS cnt = ROW_COUNT;
  ASSERT cnt = 1, 'ledger: the debit account was not updated';
  UPDATE ledger_accounts
  SET debits_pending = c_dp, debits_posted = c_dpo, credits_pending = c_cp, credits_posted = c_cpo
  WHERE id = t_credit;
  GET DIAGNOSTICS cnt = ROW_COUNT;
  ASSERT cnt = 1, 'ledger: the credit account was not updated';
  IF r <> 'ok' THEN RETURN r; END IF;

  INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency,
    code, pending_id, chain_id, timeout_ms, expires_at, state, resolved_by_id, resolved_at,
    created_at, order_id, metadata, request_hash)
  VALUES (t_id, t_kind, t_debit, t_credit, t_amount, t_currency, t_code, NULL, NULL, t_timeout,
    CASE WHEN t_timeout IS NULL THEN NULL ELSE now + t_timeout * interval '1 millisecond' END,
    t_kind, NULL, NULL, now, t_order, t_metadata, h);
  RETURN 'ok';
END;
$$;
