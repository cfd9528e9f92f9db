-- SPDX-License-Identifier: EUPL-1.2
-- PostgreSQL: a window application in one round trip (issue 18, docs/decisions/013).
--
-- llo.enrolment.services.windows.submit_fast calls it (through store/intake_fast.py) for the
-- common case of POST /api/v1/windows/{id}/applications: a person applying for themselves
-- with a preview of this window. It gives exactly the answers of the Python path
-- (llo.enrolment.services.windows.submit) for that case: the window held FOR KEY SHARE (the
-- allocator's FOR UPDATE waits for us; an allocated window takes no entry), the preview is
-- this person's and this window's, eligible, for the amount confirmed and not older than the
-- window, once a year per budget, one active application per start date, then the entry and
-- its audit row. The entry is tried first and the Idempotency-Key looked up only when it
-- cannot be written (issue 18: the lookup first cost a query per application, and a plan
-- made while the intake was empty scanned the whole table on every call): a retry of the same
-- request (same person, same hash) is then the first answer whatever the window's state now,
-- as in the Python path, which also looks the key up before any rule. Anything else answers
-- 'slow' having written nothing, and the Python path runs and explains it (the same
-- problem+json as always): the key reused for another request (409), another person's key,
-- a second application with a new key (unique index: ON CONFLICT DO NOTHING), a closed
-- window, a preview of someone else, a changed amount.
--
-- What the rule needs from Python comes as parameters, so each rule keeps one source: the
-- request hash (accounts.digest), the active statuses (lifecycle.ACTIVE), the target groups
-- the person is in (groups.member_of; the rank is the first of them in the window's list).
-- Every column without a database default is written here.

CREATE OR REPLACE FUNCTION llo_window_submit(
    p_window bigint, p_person bigint, p_preview bigint, p_amount bigint, p_key text,
    p_hash text, p_groups text[], p_active text[], p_actor text, p_role text,
    p_organisation text, p_at timestamptz,
    OUT outcome text, OUT entry_id bigint, OUT entry_outcome text
) LANGUAGE plpgsql AS $$
DECLARE
    e record;
    w record;
    v record;
    v_rank integer;
BEGIN
    SELECT x.opens_at, x.closes_at, x.allocated_at, x.budget_id, x.priority_groups INTO w
        FROM enrolment_window x WHERE x.id = p_window FOR KEY SHARE;
    IF FOUND AND w.allocated_at IS NULL AND w.opens_at <= p_at AND p_at < w.closes_at THEN
        SELECT p.offer_id, p.offering_id, p.amount_cents INTO v FROM enrolment_preview p
            WHERE p.id = p_preview AND p.person_id = p_person AND p.window_id = p_window
              AND p.eligible AND p.amount_cents = p_amount AND p.amount_cents > 0
              AND p.peildatum >= (w.opens_at AT TIME ZONE 'UTC')::date;
        IF FOUND
           AND NOT EXISTS (SELECT 1 FROM enrolment_application a
                   WHERE a.person_id = p_person AND a.budget_id = w.budget_id
                     AND a.year = extract(year FROM p_at)::integer AND a.status = ANY (p_active))
           AND NOT EXISTS (SELECT 1 FROM enrolment_application a
                   WHERE a.person_id = p_person AND a.offering_id = v.offering_id
                     AND a.status = ANY (p_active)) THEN
            SELECT coalesce(min(g.n) - 1, jsonb_array_length(w.priority_groups)) INTO v_rank
                FROM jsonb_array_elements_text(w.priority_groups) WITH ORDINALITY AS g(name, n)
                WHERE g.name = ANY (p_groups);
            INSERT INTO enrolment_intakeentry
                (window_id, person_id, offer_id, offering_id, preview_id, amount_cents,
                 group_rank, idempotency_key, request_hash, received_at, actor, outcome,
                 position)
                VALUES (p_window, p_person, v.offer_id, v.offering_id, p_preview,
                        v.amount_cents, v_rank, p_key, p_hash, p_at, p_actor, '', NULL)
                ON CONFLICT DO NOTHING
                RETURNING id INTO entry_id;
            IF entry_id IS NOT NULL THEN
                INSERT INTO core_auditentry
                    (at, actor, role, organisation, action, subject_type, subject_id, purpose,
                     before, after)
                    VALUES (p_at, p_actor, p_role, p_organisation, 'window.submitted',
                            'enrolment.IntakeEntry', entry_id::text, '', NULL,
                            jsonb_build_object('window', p_window,
                                               'amount_cents', v.amount_cents));
                outcome := 'ok';
                entry_outcome := '';
                RETURN;
            END IF;
        END IF;
    END IF;
    -- Not a new entry: the first answer to this person's same request, or the Python path.
    SELECT i.id, i.request_hash, i.outcome, i.person_id INTO e
        FROM enrolment_intakeentry i WHERE i.window_id = p_window AND i.idempotency_key = p_key;
    IF FOUND AND e.person_id = p_person AND e.request_hash = p_hash THEN
        outcome := 'replay';
        entry_id := e.id;
        entry_outcome := e.outcome;
    ELSE
        outcome := 'slow';
        entry_id := NULL;
    END IF;
END;
$$;
