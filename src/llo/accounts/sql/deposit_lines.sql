-- SPDX-License-Identifier: EUPL-1.2
-- PostgreSQL: deposit lines (models.DepositLine), partitioned by deposit.
--
-- A small deposit goes into the default partition, whose primary key index is kept up to date
-- row by row. A large one is loaded into a fresh table of its own, indexed after the load and
-- then attached as a partition (accounts/store/lines.py): building an index over sorted input once
-- costs a fraction of updating it a million times.
--
-- Lines have no per-row foreign keys. A deposit checks its persons itself (one anti-join over
-- all of them, in store/lines.py); the trigger below checks rows inserted into the table through
-- the parent, and deleting a person who still has a line fails like a foreign key would.

DROP TABLE accounts_depositline;
CREATE TABLE accounts_depositline (
    person_id bigint NOT NULL,
    deposit_id bigint NOT NULL,
    cents bigint NOT NULL,
    valid_until date NOT NULL,
    employment_id bigint NULL,
    cao varchar(100) NULL,
    CONSTRAINT deposit_line_cents_positive CHECK (cents > 0),
    CONSTRAINT accounts_depositline_pkey PRIMARY KEY (person_id, deposit_id)
) PARTITION BY LIST (deposit_id);
CREATE TABLE accounts_depositline_small PARTITION OF accounts_depositline DEFAULT;

CREATE OR REPLACE FUNCTION accounts_depositline_check_new() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    SELECT 'person ' || n.person_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id = n.person_id) LIMIT 1;
    IF missing IS NULL THEN
        SELECT 'ledger transaction ' || d.deposit_id INTO missing
            FROM (SELECT DISTINCT deposit_id FROM new_rows) d
            WHERE NOT EXISTS (SELECT 1 FROM accounts_ledgertransaction t WHERE t.id = d.deposit_id)
            LIMIT 1;
    END IF;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'a deposit line refers to % that does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER accounts_depositline_references_insert
    AFTER INSERT ON accounts_depositline REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_depositline_check_new();

CREATE OR REPLACE FUNCTION accounts_depositline_check_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    found bigint;
BEGIN
    LOCK TABLE accounts_depositline IN SHARE MODE;
    SELECT l.deposit_id INTO found FROM accounts_depositline l JOIN old_rows o
        ON l.person_id = o.id LIMIT 1;
    IF found IS NOT NULL THEN
        RAISE EXCEPTION 'deposit % still has a line for this person', found
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER accounts_depositline_refers_person AFTER DELETE ON people_person
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_depositline_check_deleted();
