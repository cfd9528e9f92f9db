-- SPDX-License-Identifier: EUPL-1.2
-- PostgreSQL: reserve and pay in one round trip each.
--
-- llo.accounts.services.reserve and .pay_provider call these (through store/fastpath.py) for
-- the common case: a right with its own account that can be used today, a reservation with a
-- provider account. They do exactly what the Python path does
-- (llo.accounts.services.reservations: the same rows, the same audit
-- record, the same conditional balance updates in the same order, the shared provider account
-- last) in one statement instead of about twenty. Anything else (a right not yet opened or
-- not usable, too little money, no provider account yet) returns 'slow' before writing, and
-- the Python path handles it and explains it to the user. A twin request racing with the same
-- idempotency key fails on the unique key and is replayed by the caller.
--
-- Installed by migration 0005; after changing this file add a migration that runs it again
-- (CREATE OR REPLACE; a changed parameter list needs the old signature dropped first, below).
-- Every column without a database default must be written here: a NOT NULL violation inside
-- the function is an error the caller raises, never a twin request (issue 14's audit
-- organisation column once made every call fail quietly into the Python path).

DROP FUNCTION IF EXISTS llo_ledger_reserve(
    text, text, bigint, bigint, date, bigint, text, text, text, timestamptz);
DROP FUNCTION IF EXISTS llo_ledger_pay(
    text, text, bigint, bigint, date, bigint, text, text, timestamptz);

CREATE OR REPLACE FUNCTION llo_ledger_reserve(
    p_key text, p_hash text, p_right bigint, p_cents bigint, p_on date, p_provider bigint,
    p_reference text, p_actor text, p_role text, p_organisation text, p_now timestamptz,
    OUT outcome text, OUT reservation_id bigint, OUT account_id bigint, OUT transaction_id bigint
) LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    SELECT t.id, t.request_hash, t.reservation_id INTO r
        FROM accounts_ledgertransaction t WHERE t.idempotency_key = p_key;
    IF FOUND THEN
        outcome := CASE WHEN r.request_hash = p_hash THEN 'replay' ELSE 'key-reused' END;
        reservation_id := r.reservation_id;
        transaction_id := r.id;
        RETURN;
    END IF;
    SELECT g.account_id AS right_account, g.budget_id INTO r FROM accounts_right g
        WHERE g.id = p_right AND g.account_id IS NOT NULL AND g.status = 'active'
          AND g.kind IN ('money', 'voucher')
          AND g.valid_from <= p_on AND (g.valid_until IS NULL OR p_on <= g.valid_until);
    IF NOT FOUND OR p_cents <= 0 THEN
        outcome := 'slow';
        RETURN;
    END IF;
    INSERT INTO accounts_ledgeraccount (kind, balance_cents, floor_cents)
        VALUES ('reservation', p_cents, 0) RETURNING id INTO account_id;
    INSERT INTO accounts_reservation
        (right_id, account_id, provider_id, reference, amount_cents, status, created_at)
        VALUES (p_right, account_id, p_provider, left(p_reference, 200), p_cents, 'open', p_now)
        RETURNING id INTO reservation_id;
    INSERT INTO accounts_ledgertransaction
        (idempotency_key, request_hash, cause, effective_date, created_at, actor, memo,
         budget_id, right_id, reservation_id, count, amount_cents)
        VALUES (p_key, p_hash, 'reservation', p_on, p_now, p_actor, '', r.budget_id, p_right,
                reservation_id, 1, p_cents)
        RETURNING id INTO transaction_id;
    INSERT INTO accounts_posting (transaction_id, account_id, amount_cents)
        VALUES (transaction_id, r.right_account, -p_cents), (transaction_id, account_id, p_cents);
    INSERT INTO core_auditentry
        (at, actor, role, organisation, action, subject_type, subject_id, purpose, before, after)
        VALUES (p_now, p_actor, p_role, p_organisation, 'right.reserved', 'accounts.Reservation',
                reservation_id::text, '', NULL,
                jsonb_build_object('right', p_right, 'amount_cents', p_cents,
                                   'reference', p_reference));
    -- The balance last, as the Python path does (after the unique key, so a twin request
    -- waits on the key in both paths and the two cannot deadlock).
    UPDATE accounts_ledgeraccount a SET balance_cents = a.balance_cents - p_cents
        WHERE a.id = r.right_account
          AND (a.floor_cents IS NULL OR a.balance_cents - p_cents >= a.floor_cents);
    IF NOT FOUND THEN
        -- Too little money: undo this statement; the Python path says how much is left.
        RAISE EXCEPTION 'llo: slow path' USING ERRCODE = 'LL001';
    END IF;
    outcome := 'ok';
END $$;

CREATE OR REPLACE FUNCTION llo_ledger_pay(
    p_key text, p_hash text, p_reservation bigint, p_cents bigint, p_on date, p_provider bigint,
    p_actor text, p_role text, p_organisation text, p_now timestamptz,
    OUT outcome text, OUT transaction_id bigint, OUT paid_cents bigint, OUT payee bigint,
    OUT budget_id bigint
) LANGUAGE plpgsql AS $$
DECLARE
    r record;
    provider_account bigint;
    left_cents bigint;
BEGIN
    SELECT t.id, t.request_hash INTO r
        FROM accounts_ledgertransaction t WHERE t.idempotency_key = p_key;
    IF FOUND THEN
        outcome := CASE WHEN r.request_hash = p_hash THEN 'replay' ELSE 'key-reused' END;
        transaction_id := r.id;
        RETURN;
    END IF;
    SELECT s.account_id, s.provider_id, s.right_id, g.budget_id, a.balance_cents INTO r
        FROM accounts_reservation s
        JOIN accounts_right g ON g.id = s.right_id
        JOIN accounts_ledgeraccount a ON a.id = s.account_id
        WHERE s.id = p_reservation;
    payee := coalesce(p_provider, r.provider_id);
    paid_cents := coalesce(p_cents, r.balance_cents);
    budget_id := r.budget_id;
    IF NOT FOUND OR payee IS NULL OR paid_cents IS NULL OR paid_cents <= 0 THEN
        outcome := 'slow';
        RETURN;
    END IF;
    SELECT a.id INTO provider_account FROM accounts_ledgeraccount a
        WHERE a.organisation_id = payee AND a.kind = 'provider';
    IF NOT FOUND THEN
        outcome := 'slow';  -- the first payment to this provider makes its account
        RETURN;
    END IF;
    INSERT INTO accounts_ledgertransaction
        (idempotency_key, request_hash, cause, effective_date, created_at, actor, memo,
         budget_id, right_id, reservation_id, count, amount_cents)
        VALUES (p_key, p_hash, 'payment', p_on, p_now, p_actor, 'to provider ' || payee,
                r.budget_id, r.right_id, p_reservation, 1, paid_cents)
        RETURNING id INTO transaction_id;
    INSERT INTO accounts_posting (transaction_id, account_id, amount_cents)
        VALUES (transaction_id, r.account_id, -paid_cents),
               (transaction_id, provider_account, paid_cents);
    UPDATE accounts_ledgeraccount a SET balance_cents = a.balance_cents - paid_cents
        WHERE a.id = r.account_id
          AND (a.floor_cents IS NULL OR a.balance_cents - paid_cents >= a.floor_cents)
        RETURNING a.balance_cents INTO left_cents;
    IF NOT FOUND THEN
        -- Less reserved than asked: undo this statement; the Python path explains.
        RAISE EXCEPTION 'llo: slow path' USING ERRCODE = 'LL001';
    END IF;
    IF left_cents = 0 THEN
        UPDATE accounts_reservation SET status = 'closed'
            WHERE id = p_reservation AND status <> 'closed';
    END IF;
    INSERT INTO core_auditentry
        (at, actor, role, organisation, action, subject_type, subject_id, purpose, before, after)
        VALUES (p_now, p_actor, p_role, p_organisation, 'reservation.paid', 'accounts.Reservation',
                p_reservation::text, '', NULL,
                jsonb_build_object('amount_cents', paid_cents, 'provider', payee));
    -- The provider's account is shared by every payment to it: changed last, so its row lock
    -- is held only until the commit.
    UPDATE accounts_ledgeraccount SET balance_cents = balance_cents + paid_cents
        WHERE id = provider_account;
    outcome := 'ok';
END $$;
