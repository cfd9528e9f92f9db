-- SPDX-License-Identifier: EUPL-1.2
-- PostgreSQL: the references of accounts_right (person, funder, budget, deposit, employment,
-- ledger account, transferred from), checked once per statement over all its rows instead of
-- once per row.
--
-- A bulk deposit writes a million rights in one COPY. A foreign key constraint checks each row
-- on its own (an index probe and a row lock per row: about 10 s for a million rows with three
-- references); these triggers check all new rows with one anti-join each (well under a second).
-- The guarantee is the same: a statement that would leave a right pointing at nothing fails
-- with foreign_key_violation (23503) and changes nothing.
--
-- The other side: deleting a person, funder, budget, ledger transaction, employment, ledger
-- account or right that a right still points to fails as well. Such a delete first takes a SHARE lock on
-- accounts_right, so it waits for rights being written at that moment and then sees them.

CREATE OR REPLACE FUNCTION accounts_right_check_new() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    -- Persons differ per row: one hash anti-join.
    SELECT 'person ' || n.person_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id = n.person_id) LIMIT 1;
    IF missing IS NULL THEN
        -- The rest is mostly the same for a whole deposit: one pass to find the distinct
        -- values, then a look-up of each.
        WITH refs AS (
            SELECT DISTINCT funder_id, budget_id, deposit_id, employment_id, account_id,
                   transferred_from_id
            FROM new_rows
        )
        SELECT missing_ref INTO missing FROM (
            SELECT 'funder ' || funder_id AS missing_ref FROM refs r WHERE NOT EXISTS
                (SELECT 1 FROM accounts_funder f WHERE f.id = r.funder_id)
            UNION ALL
            SELECT 'budget ' || budget_id FROM refs r WHERE budget_id IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM accounts_budget b WHERE b.id = r.budget_id)
            UNION ALL
            SELECT 'ledger transaction ' || deposit_id FROM refs r
                WHERE deposit_id IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM accounts_ledgertransaction t WHERE t.id = r.deposit_id)
            UNION ALL
            SELECT 'employment ' || employment_id FROM refs r
                WHERE employment_id IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM people_employment e WHERE e.id = r.employment_id)
            UNION ALL
            SELECT 'ledger account ' || account_id FROM refs r
                WHERE account_id IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM accounts_ledgeraccount a WHERE a.id = r.account_id)
            UNION ALL
            SELECT 'right ' || transferred_from_id FROM refs r
                WHERE transferred_from_id IS NOT NULL AND NOT EXISTS
                (SELECT 1 FROM accounts_right g WHERE g.id = r.transferred_from_id)
        ) problems LIMIT 1;
    END IF;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'a right refers to % that does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

-- Updates: who and where a right came from never change; only its job may be cleared (the
-- employment was deleted: Django's SET_NULL) or set to one that exists.
CREATE OR REPLACE FUNCTION accounts_right_check_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.person_id, n.funder_id, n.budget_id, n.deposit_id)
              IS DISTINCT FROM (o.person_id, o.funder_id, o.budget_id, o.deposit_id)
    ) THEN
        RAISE EXCEPTION 'the person, funder, budget and deposit of a right never change'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF EXISTS (
        SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.employment_id IS NOT NULL AND n.employment_id IS DISTINCT FROM o.employment_id
          AND NOT EXISTS (SELECT 1 FROM people_employment e WHERE e.id = n.employment_id)
    ) THEN
        RAISE EXCEPTION 'a right refers to an employment that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- A right gets its account once (when it is first used), and an existing one.
    IF EXISTS (
        SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.account_id IS DISTINCT FROM o.account_id
          AND (o.account_id IS NOT NULL OR NOT EXISTS
               (SELECT 1 FROM accounts_ledgeraccount a WHERE a.id = n.account_id))
    ) THEN
        RAISE EXCEPTION 'a right gets one existing ledger account, once'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER accounts_right_references_insert
    AFTER INSERT ON accounts_right REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_new();
CREATE TRIGGER accounts_right_references_update
    AFTER UPDATE ON accounts_right REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_changed();

-- The referenced side: one function, told by TG_ARGV which column of accounts_right points
-- at the table.
CREATE OR REPLACE FUNCTION accounts_right_check_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    found bigint;
BEGIN
    IF TG_TABLE_NAME <> 'accounts_right' THEN  -- rights themselves are never deleted
        LOCK TABLE accounts_right IN SHARE MODE;
    END IF;
    EXECUTE format(
        'SELECT r.id FROM accounts_right r JOIN old_rows o ON r.%I = o.id LIMIT 1', TG_ARGV[0]
    ) INTO found;
    IF found IS NOT NULL THEN
        RAISE EXCEPTION 'right % still refers to this % (%)', found, TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER accounts_right_refers_person AFTER DELETE ON people_person
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_deleted('person_id');
CREATE TRIGGER accounts_right_refers_funder AFTER DELETE ON accounts_funder
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_deleted('funder_id');
CREATE TRIGGER accounts_right_refers_budget AFTER DELETE ON accounts_budget
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_deleted('budget_id');
CREATE TRIGGER accounts_right_refers_deposit AFTER DELETE ON accounts_ledgertransaction
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_deleted('deposit_id');
CREATE TRIGGER accounts_right_refers_employment AFTER DELETE ON people_employment
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_deleted('employment_id');
CREATE TRIGGER accounts_right_refers_account AFTER DELETE ON accounts_ledgeraccount
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_deleted('account_id');
CREATE TRIGGER accounts_right_refers_right AFTER DELETE ON accounts_right
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_right_check_deleted('transferred_from_id');
