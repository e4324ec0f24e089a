-- Custom SQL migration file, put your code below! --
-- The ledger's transfer engine: one call applies a whole batch in one round trip (see
-- docs/design/0001-ledger-engine-in-postgres.md). workers/ledger/model.ts is its executable
-- specification: the same checks in the same order, and the property tests hold the two to
-- identical results and balances. Change them together.
--
-- How a batch runs:
--   1. parse the batch (jsonb) into one array per field and hash each request body;
--   2. lock every account the batch touches, in id order (concurrent batches never deadlock);
--   3. void the expired pending transfers between locked accounts (their holds are released);
--   4. decide every transfer in memory, in order, TigerBeetle's way: a linked chain applies
--      entirely or is rolled back to its start;
--   5. assert the batch balances, then write: changed accounts, new transfers, resolved pendings;
--   6. assert every write touched the rows it meant to.
-- Time is the `now` argument, never now(): tests move it, and replays are deterministic.
--
-- Generic plans: PL/pgSQL otherwise keeps re-planning these statements for every call (their
-- array parameters make a custom plan look cheaper), which doubled the CPU of a one-transfer
-- batch in bench/ledger. The generic plans use the same indexes (checked with auto_explain).
CREATE OR REPLACE FUNCTION ledger_create_transfers(batch jsonb, now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  -- Mirrors TRANSFER_BATCH_MAX in schema/ledger.ts.
  batch_max constant int := 1000;
  -- Balances stay exact as JavaScript numbers: 2^53 - 1.
  safe constant bigint := 9007199254740991;
  n int;
  -- The batch, one array per field; index i is the i-th transfer.
  i_id uuid[]; i_kind text[]; i_debit uuid[]; i_credit uuid[]; i_amount bigint[];
  i_currency text[]; i_code text[]; i_pending uuid[]; i_timeout int[]; i_linked boolean[];
  i_order uuid[]; i_metadata jsonb[]; i_hash text[];
  touched uuid[];
  -- The locked accounts, sorted by id, and their balances as they were when locked.
  a_id uuid[]; a_currency text[]; a_dmnec boolean[]; a_cmned boolean[];
  a_dp bigint[]; a_dpo bigint[]; a_cp bigint[]; a_cpo bigint[];
  o_dp bigint[]; o_dpo bigint[]; o_cp bigint[]; o_cpo bigint[];
  -- The transfers the batch knows: first the stored ones it names (t_stored of them), then the
  -- ones it creates.
  t_id uuid[]; t_kind text[]; t_debit uuid[]; t_credit uuid[]; t_amount bigint[];
  t_currency text[]; t_state text[]; t_expires timestamptz[]; t_hash text[]; t_order uuid[];
  t_resolved_by uuid[]; t_resolved_at timestamptz[]; t_dirty boolean[]; t_input int[];
  t_chain uuid[];
  t_stored int;
  -- A linked chain's starting point, to roll back to.
  chain_start int; chain_broken boolean := false;
  s_dp bigint[]; s_dpo bigint[]; s_cp bigint[]; s_cpo bigint[]; s_len int;
  s_state text[]; s_resolved_by uuid[]; s_resolved_at timestamptz[]; s_dirty boolean[];
  results text[];
  r text; i int; j int; k int; kd int; kc int; amt bigint; cnt int; expected int;
  ok boolean;
  e record;
BEGIN
  n := jsonb_array_length(batch);
  ASSERT n >= 1, 'ledger: a batch holds at least one transfer';
  ASSERT n <= batch_max, format('ledger: a batch holds at most %s transfers', batch_max);
  ASSERT now IS NOT NULL, 'ledger: now must be given';

  -- 1. Parse. The hash covers every field but the id, normalized (uuids lowercased by the cast,
  -- absent fields as null), so the same request always hashes the same.
  SELECT
    array_agg((x.e->>'id')::uuid ORDER BY x.ord),
    array_agg(x.e->>'kind' ORDER BY x.ord),
    array_agg((x.e->>'debitAccountId')::uuid ORDER BY x.ord),
    array_agg((x.e->>'creditAccountId')::uuid ORDER BY x.ord),
    array_agg((x.e->>'amount')::bigint ORDER BY x.ord),
    array_agg(x.e->>'currency' ORDER BY x.ord),
    array_agg(x.e->>'code' ORDER BY x.ord),
    array_agg((x.e->>'pendingId')::uuid ORDER BY x.ord),
    array_agg((x.e->>'timeoutMs')::int ORDER BY x.ord),
    array_agg(coalesce((x.e->>'linked')::boolean, false) ORDER BY x.ord),
    array_agg((x.e->>'orderId')::uuid ORDER BY x.ord),
    array_agg(nullif(x.e->'metadata', 'null'::jsonb) ORDER BY x.ord),
    array_agg(encode(sha256(convert_to(jsonb_build_array(
      x.e->>'kind',
      (x.e->>'debitAccountId')::uuid,
      (x.e->>'creditAccountId')::uuid,
      (x.e->>'amount')::bigint,
      x.e->>'currency',
      x.e->>'code',
      (x.e->>'pendingId')::uuid,
      (x.e->>'timeoutMs')::int,
      coalesce((x.e->>'linked')::boolean, false),
      (x.e->>'orderId')::uuid,
      nullif(x.e->'metadata', 'null'::jsonb)
    )::text, 'UTF8')), 'hex') ORDER BY x.ord)
  INTO i_id, i_kind, i_debit, i_credit, i_amount, i_currency, i_code, i_pending, i_timeout,
    i_linked, i_order, i_metadata, i_hash
  FROM jsonb_array_elements(batch) WITH ORDINALITY AS x(e, ord);

  FOR i IN 1..n LOOP
    ASSERT i_id[i] IS NOT NULL, format('ledger: transfer %s has no id', i);
    ASSERT i_code[i] IS NOT NULL, format('ledger: transfer %s has no code', i);
    ASSERT i_kind[i] IN ('posted', 'pending', 'post_pending', 'void_pending'),
      format('ledger: transfer %s has an unknown kind', i);
    ASSERT i_amount[i] IS NULL OR (i_amount[i] >= 0 AND i_amount[i] <= safe),
      format('ledger: transfer %s has an amount out of range', i);
    IF i_kind[i] IN ('posted', 'pending') THEN
      ASSERT i_debit[i] IS NOT NULL AND i_credit[i] IS NOT NULL AND i_amount[i] IS NOT NULL
        AND i_currency[i] IS NOT NULL AND i_pending[i] IS NULL,
        format('ledger: transfer %s is not a well-formed %s transfer', i, i_kind[i]);
    ELSE
      ASSERT i_pending[i] IS NOT NULL,
        format('ledger: transfer %s resolves a pending transfer but names none', i);
    END IF;
    ASSERT i_timeout[i] IS NULL OR (i_kind[i] = 'pending' AND i_timeout[i] > 0),
      format('ledger: transfer %s has a timeout but is not pending', i);
  END LOOP;

  -- 2. Lock. The touched accounts: those the batch names, and those of every stored transfer it
  -- names (by id or as the pending transfer to resolve). Accounts of a transfer never change, so
  -- reading them before the locks is safe.
  SELECT array_agg(DISTINCT acc) INTO touched FROM (
    SELECT unnest(i_debit || i_credit) AS acc
    UNION ALL
    SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id])
    FROM ledger_transfers t WHERE t.id = ANY(i_id || i_pending)
  ) s WHERE acc IS NOT NULL;

  SELECT
    coalesce(array_agg(s.id ORDER BY s.id), '{}'),
    coalesce(array_agg(s.currency ORDER BY s.id), '{}'),
    coalesce(array_agg(s.debits_must_not_exceed_credits ORDER BY s.id), '{}'),
    coalesce(array_agg(s.credits_must_not_exceed_debits ORDER BY s.id), '{}'),
    coalesce(array_agg(s.debits_pending ORDER BY s.id), '{}'),
    coalesce(array_agg(s.debits_posted ORDER BY s.id), '{}'),
    coalesce(array_agg(s.credits_pending ORDER BY s.id), '{}'),
    coalesce(array_agg(s.credits_posted ORDER BY s.id), '{}')
  INTO a_id, a_currency, a_dmnec, a_cmned, a_dp, a_dpo, a_cp, a_cpo
  FROM (
    SELECT * FROM ledger_accounts WHERE id = ANY(touched) ORDER BY id FOR UPDATE
  ) s;
  o_dp := a_dp; o_dpo := a_dpo; o_cp := a_cp; o_cpo := a_cpo;

  -- 3. Expired holds between locked accounts are voided first, so a wallet is never refused for
  -- money an expired order hold still seemed to reserve.
  FOR e IN
    UPDATE ledger_transfers SET state = 'voided', resolved_at = now
    WHERE state = 'pending' AND expires_at <= now
      AND debit_account_id = ANY(a_id) AND credit_account_id = ANY(a_id)
    RETURNING debit_account_id, credit_account_id, amount
  LOOP
    kd := array_position(a_id, e.debit_account_id);
    kc := array_position(a_id, e.credit_account_id);
    a_dp[kd] := a_dp[kd] - e.amount;
    a_cp[kc] := a_cp[kc] - e.amount;
    ASSERT a_dp[kd] >= 0 AND a_cp[kc] >= 0, 'ledger: an expired hold released more than it held';
  END LOOP;

  -- The stored transfers the batch names, as they are now that their accounts are locked.
  SELECT
    coalesce(array_agg(t.id ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.kind ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.debit_account_id ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.credit_account_id ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.amount ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.currency ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.state ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.expires_at ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.request_hash ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.order_id ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.resolved_by_id ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.resolved_at ORDER BY t.seq), '{}'),
    coalesce(array_agg(false ORDER BY t.seq), '{}'),
    coalesce(array_agg(0 ORDER BY t.seq), '{}'),
    coalesce(array_agg(t.chain_id ORDER BY t.seq), '{}')
  INTO t_id, t_kind, t_debit, t_credit, t_amount, t_currency, t_state, t_expires, t_hash,
    t_order, t_resolved_by, t_resolved_at, t_dirty, t_input, t_chain
  FROM ledger_transfers t WHERE t.id = ANY(i_id || i_pending);
  t_stored := coalesce(cardinality(t_id), 0);

  -- A stored transfer whose accounts are not locked appeared after the accounts were chosen (a
  -- concurrent batch committed it). Deciding on it without its accounts' locks could race, so
  -- the caller retries the whole batch, which then locks them.
  FOR k IN 1..t_stored LOOP
    IF array_position(a_id, t_debit[k]) IS NULL OR array_position(a_id, t_credit[k]) IS NULL THEN
      RAISE EXCEPTION 'ledger: transfer % appeared concurrently; retry the batch', t_id[k]
        USING ERRCODE = 'serialization_failure';
    END IF;
  END LOOP;

  -- 4. Decide, in order.
  results := array_fill(NULL::text, ARRAY[n]);
  FOR i IN 1..n LOOP
    r := NULL;
    IF i_linked[i] THEN
      IF chain_start IS NULL THEN
        chain_start := i;
        s_dp := a_dp; s_dpo := a_dpo; s_cp := a_cp; s_cpo := a_cpo;
        s_len := cardinality(t_id);
        s_state := t_state; s_resolved_by := t_resolved_by; s_resolved_at := t_resolved_at;
        s_dirty := t_dirty;
      END IF;
      IF i = n THEN r := 'linked_event_chain_open'; END IF;
    END IF;
    IF r IS NULL AND chain_broken THEN r := 'linked_event_failed'; END IF;

    <<decide>>
    BEGIN
      EXIT decide WHEN r IS NOT NULL;
      IF i_debit[i] = i_credit[i] THEN r := 'accounts_must_be_different'; EXIT decide; END IF;
      IF i_amount[i] = 0 THEN r := 'amount_must_not_be_zero'; EXIT decide; END IF;

      k := array_position(t_id, i_id[i]);
      IF k IS NOT NULL THEN
        r := CASE WHEN t_hash[k] = i_hash[i] THEN 'exists' ELSE 'exists_with_different_fields' END;
        EXIT decide;
      END IF;

      IF i_kind[i] IN ('posted', 'pending') THEN
        kd := array_position(a_id, i_debit[i]);
        IF kd IS NULL THEN r := 'debit_account_not_found'; EXIT decide; END IF;
        kc := array_position(a_id, i_credit[i]);
        IF kc IS NULL THEN r := 'credit_account_not_found'; EXIT decide; END IF;
        IF a_currency[kd] <> a_currency[kc] THEN
          r := 'accounts_must_have_the_same_currency'; EXIT decide;
        END IF;
        IF i_currency[i] <> a_currency[kd] THEN
          r := 'transfer_must_have_the_same_currency_as_accounts'; EXIT decide;
        END IF;
        amt := i_amount[i];
        IF a_dp[kd] + a_dpo[kd] + amt > safe THEN r := 'overflows_debits'; EXIT decide; END IF;
        IF a_cp[kc] + a_cpo[kc] + amt > safe THEN r := 'overflows_credits'; EXIT decide; END IF;
        IF a_dmnec[kd] AND a_dp[kd] + a_dpo[kd] + amt > a_cpo[kd] THEN
          r := 'exceeds_credits'; EXIT decide;
        END IF;
        IF a_cmned[kc] AND a_cp[kc] + a_cpo[kc] + amt > a_dpo[kc] THEN
          r := 'exceeds_debits'; EXIT decide;
        END IF;
        IF i_kind[i] = 'posted' THEN
          a_dpo[kd] := a_dpo[kd] + amt; a_cpo[kc] := a_cpo[kc] + amt;
        ELSE
          a_dp[kd] := a_dp[kd] + amt; a_cp[kc] := a_cp[kc] + amt;
        END IF;
        k := cardinality(t_id) + 1;
        t_id[k] := i_id[i]; t_kind[k] := i_kind[i]; t_debit[k] := i_debit[i];
        t_credit[k] := i_credit[i]; t_amount[k] := amt; t_currency[k] := i_currency[i];
        t_state[k] := CASE WHEN i_kind[i] = 'posted' THEN 'posted' ELSE 'pending' END;
        t_expires[k] := CASE WHEN i_timeout[i] IS NULL THEN NULL
          ELSE now + i_timeout[i] * interval '1 millisecond' END;
        t_hash[k] := i_hash[i]; t_order[k] := i_order[i];
        t_resolved_by[k] := NULL; t_resolved_at[k] := NULL; t_dirty[k] := false;
        t_input[k] := i; t_chain[k] := i_id[chain_start];
        r := 'ok';
      ELSE
        j := array_position(t_id, i_pending[i]);
        IF j IS NULL THEN r := 'pending_transfer_not_found'; EXIT decide; END IF;
        IF t_kind[j] <> 'pending' THEN r := 'pending_transfer_not_pending'; EXIT decide; END IF;
        IF i_debit[i] <> t_debit[j] OR i_credit[i] <> t_credit[j] THEN
          r := 'pending_transfer_has_different_accounts'; EXIT decide;
        END IF;
        IF i_currency[i] <> t_currency[j] THEN
          r := 'pending_transfer_has_different_currency'; EXIT decide;
        END IF;
        IF i_kind[i] = 'post_pending' AND i_amount[i] > t_amount[j] THEN
          r := 'exceeds_pending_transfer_amount'; EXIT decide;
        END IF;
        IF i_kind[i] = 'void_pending' AND i_amount[i] <> t_amount[j] THEN
          r := 'pending_transfer_has_different_amount'; EXIT decide;
        END IF;
        IF t_state[j] = 'posted' THEN r := 'pending_transfer_already_posted'; EXIT decide; END IF;
        IF t_state[j] = 'voided' THEN
          r := CASE WHEN t_resolved_by[j] IS NULL THEN 'pending_transfer_expired'
            ELSE 'pending_transfer_already_voided' END;
          EXIT decide;
        END IF;
        IF t_expires[j] <= now THEN r := 'pending_transfer_expired'; EXIT decide; END IF;

        kd := array_position(a_id, t_debit[j]);
        kc := array_position(a_id, t_credit[j]);
        ASSERT kd IS NOT NULL AND kc IS NOT NULL, 'ledger: a pending transfer''s accounts are not locked';
        a_dp[kd] := a_dp[kd] - t_amount[j];
        a_cp[kc] := a_cp[kc] - t_amount[j];
        ASSERT a_dp[kd] >= 0 AND a_cp[kc] >= 0, 'ledger: a resolution released more than was held';
        IF i_kind[i] = 'post_pending' THEN
          amt := coalesce(i_amount[i], t_amount[j]);
          a_dpo[kd] := a_dpo[kd] + amt; a_cpo[kc] := a_cpo[kc] + amt;
          t_state[j] := 'posted';
        ELSE
          amt := t_amount[j];
          t_state[j] := 'voided';
        END IF;
        t_resolved_by[j] := i_id[i]; t_resolved_at[j] := now;
        IF j <= t_stored THEN t_dirty[j] := true; END IF;
        k := cardinality(t_id) + 1;
        t_id[k] := i_id[i]; t_kind[k] := i_kind[i]; t_debit[k] := t_debit[j];
        t_credit[k] := t_credit[j]; t_amount[k] := amt; t_currency[k] := t_currency[j];
        t_state[k] := CASE WHEN i_kind[i] = 'post_pending' THEN 'posted' ELSE 'voided' END;
        t_expires[k] := NULL; t_hash[k] := i_hash[i];
        t_order[k] := coalesce(i_order[i], t_order[j]);
        t_resolved_by[k] := NULL; t_resolved_at[k] := NULL; t_dirty[k] := false;
        t_input[k] := i; t_chain[k] := i_id[chain_start];
        r := 'ok';
      END IF;
    END;

    -- `exists` is success inside a chain (TigerBeetle breaks the chain on it), so a replayed
    -- chain answers `exists` for every transfer, which is what a retrying caller needs to see.
    IF r NOT IN ('ok', 'exists') AND chain_start IS NOT NULL AND NOT chain_broken THEN
      chain_broken := true;
      a_dp := s_dp; a_dpo := s_dpo; a_cp := s_cp; a_cpo := s_cpo;
      t_id := t_id[1:s_len]; t_kind := t_kind[1:s_len]; t_debit := t_debit[1:s_len];
      t_credit := t_credit[1:s_len]; t_amount := t_amount[1:s_len];
      t_currency := t_currency[1:s_len]; t_expires := t_expires[1:s_len];
      t_hash := t_hash[1:s_len]; t_order := t_order[1:s_len]; t_input := t_input[1:s_len];
      t_chain := t_chain[1:s_len];
      t_state := s_state[1:s_len]; t_resolved_by := s_resolved_by[1:s_len];
      t_resolved_at := s_resolved_at[1:s_len]; t_dirty := s_dirty[1:s_len];
      FOR j IN chain_start..i - 1 LOOP results[j] := 'linked_event_failed'; END LOOP;
    END IF;
    results[i] := r;
    IF chain_start IS NOT NULL AND (NOT i_linked[i] OR r = 'linked_event_chain_open') THEN
      chain_start := NULL;
      chain_broken := false;
    END IF;
  END LOOP;

  -- 5. Assert the batch balances: per currency, what it added to debits it added to credits,
  -- posted and pending alike. Then write.
  SELECT bool_and(dpo = cpo AND dp = cp) INTO ok FROM (
    SELECT u.cur,
      sum(u.dp - u.odp) AS dp, sum(u.dpo - u.odpo) AS dpo,
      sum(u.cp - u.ocp) AS cp, sum(u.cpo - u.ocpo) AS cpo
    FROM unnest(a_currency, a_dp, a_dpo, a_cp, a_cpo, o_dp, o_dpo, o_cp, o_cpo)
      AS u(cur, dp, dpo, cp, cpo, odp, odpo, ocp, ocpo)
    GROUP BY u.cur
  ) s;
  ASSERT coalesce(ok, true), 'ledger: the batch does not balance';

  expected := 0;
  FOR k IN 1..coalesce(cardinality(a_id), 0) LOOP
    IF (a_dp[k], a_dpo[k], a_cp[k], a_cpo[k]) IS DISTINCT FROM (o_dp[k], o_dpo[k], o_cp[k], o_cpo[k]) THEN
      expected := expected + 1;
    END IF;
  END LOOP;
  UPDATE ledger_accounts a
  SET debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
  FROM unnest(a_id, a_dp, a_dpo, a_cp, a_cpo, o_dp, o_dpo, o_cp, o_cpo)
    AS u(id, dp, dpo, cp, cpo, odp, odpo, ocp, ocpo)
  WHERE a.id = u.id AND (u.dp, u.dpo, u.cp, u.cpo) IS DISTINCT FROM (u.odp, u.odpo, u.ocp, u.ocpo);
  GET DIAGNOSTICS cnt = ROW_COUNT;
  ASSERT cnt = expected, format('ledger: updated %s accounts, expected %s', cnt, expected);

  expected := coalesce(cardinality(t_id), 0) - t_stored;
  IF expected > 0 THEN
    INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, currency,
      code, pending_id, chain_id, timeout_ms, expires_at, state, resolved_by_id, resolved_at,
      created_at, order_id, metadata, request_hash)
    SELECT u.id, u.kind, u.debit, u.credit, u.amount, u.currency, i_code[u.inp], i_pending[u.inp],
      u.chain, i_timeout[u.inp], u.expires, u.state, u.resolved_by, u.resolved_at, now, u.order_id,
      i_metadata[u.inp], u.hash
    FROM unnest(t_id[t_stored + 1:], t_kind[t_stored + 1:], t_debit[t_stored + 1:],
      t_credit[t_stored + 1:], t_amount[t_stored + 1:], t_currency[t_stored + 1:],
      t_state[t_stored + 1:], t_expires[t_stored + 1:], t_hash[t_stored + 1:],
      t_order[t_stored + 1:], t_resolved_by[t_stored + 1:], t_resolved_at[t_stored + 1:],
      t_input[t_stored + 1:], t_chain[t_stored + 1:])
      WITH ORDINALITY AS u(id, kind, debit, credit, amount, currency, state, expires, hash,
        order_id, resolved_by, resolved_at, inp, chain, ord)
    ORDER BY u.ord;
    GET DIAGNOSTICS cnt = ROW_COUNT;
    ASSERT cnt = expected, format('ledger: inserted %s transfers, expected %s', cnt, expected);
  END IF;

  expected := 0;
  FOR k IN 1..t_stored LOOP
    IF t_dirty[k] THEN expected := expected + 1; END IF;
  END LOOP;
  IF expected > 0 THEN
    UPDATE ledger_transfers t
    SET state = u.state, resolved_by_id = u.resolved_by, resolved_at = u.resolved_at
    FROM unnest(t_id[1:t_stored], t_state[1:t_stored], t_resolved_by[1:t_stored],
      t_resolved_at[1:t_stored], t_dirty[1:t_stored]) AS u(id, state, resolved_by, resolved_at, dirty)
    WHERE u.dirty AND t.id = u.id AND t.state = 'pending';
    GET DIAGNOSTICS cnt = ROW_COUNT;
    ASSERT cnt = expected, format('ledger: resolved %s pending transfers, expected %s', cnt, expected);
  END IF;

  RETURN to_jsonb(results);
END;
$$;
--> statement-breakpoint
-- Voids up to `lim` pending transfers whose timeout has passed, oldest deadline first, releasing
-- what they reserved. Safe to run at any time and from anywhere: it locks the accounts in id
-- order like a batch does, and re-checks every hold under those locks.
CREATE OR REPLACE FUNCTION ledger_void_expired(now timestamptz, lim int)
RETURNS int
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  -- Mirrors VOID_EXPIRED_LIMIT_MAX in schema/ledger.ts.
  limit_max constant int := 10000;
  candidates uuid[];
  accounts uuid[];
  voided int;
  released int;
BEGIN
  ASSERT now IS NOT NULL, 'ledger: now must be given';
  ASSERT lim >= 1 AND lim <= limit_max, format('ledger: a sweep voids 1 to %s holds', limit_max);
  SELECT array_agg(id) INTO candidates FROM (
    SELECT id FROM ledger_transfers
    WHERE state = 'pending' AND expires_at <= now
    ORDER BY expires_at, seq
    LIMIT lim
  ) s;
  IF candidates IS NULL THEN RETURN 0; END IF;
  SELECT array_agg(DISTINCT acc) INTO accounts
  FROM ledger_transfers t, unnest(ARRAY[t.debit_account_id, t.credit_account_id]) AS acc
  WHERE t.id = ANY(candidates);
  PERFORM 1 FROM (SELECT id FROM ledger_accounts WHERE id = ANY(accounts) ORDER BY id FOR UPDATE) s;

  WITH v AS (
    UPDATE ledger_transfers SET state = 'voided', resolved_at = now
    WHERE id = ANY(candidates) AND state = 'pending' AND expires_at <= now
    RETURNING debit_account_id, credit_account_id, amount
  ), d AS (
    SELECT acc, sum(dp) AS dp, sum(cp) AS cp FROM (
      SELECT debit_account_id AS acc, amount AS dp, 0::bigint AS cp FROM v
      UNION ALL
      SELECT credit_account_id, 0::bigint, amount FROM v
    ) x GROUP BY acc
  ), u AS (
    UPDATE ledger_accounts a
    SET debits_pending = a.debits_pending - d.dp, credits_pending = a.credits_pending - d.cp
    FROM d WHERE a.id = d.acc
    RETURNING a.id
  )
  SELECT (SELECT count(*) FROM v), (SELECT count(*) FROM u) INTO voided, released;
  ASSERT voided = 0 OR released >= 2, 'ledger: voided holds released no account';
  RETURN voided;
END;
$$;
