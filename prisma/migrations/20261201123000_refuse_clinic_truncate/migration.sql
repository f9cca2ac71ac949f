-- TRUNCATE fires no DELETE trigger, so the change log cannot record it, and a clinic table holds
-- every clinic's rows: one TRUNCATE would empty all of them while their apps, told nothing, kept
-- rows that no longer exist. A statement-level trigger cannot name the rows either. Refused on every
-- captured table (TRUNCATE … CASCADE fires it on each table it reaches); delete instead, which the
-- feed and webhooks report as tombstones. (Hand-written; Prisma models tables, not triggers.)
CREATE FUNCTION clinicgraph_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'TRUNCATE of "%" is refused: it would delete every clinic''s rows without a change-log entry, so apps would never learn of it.', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation',
          HINT = format('DELETE FROM %I WHERE "organizationId" = …: the change feed and webhooks report each deleted row.', TG_TABLE_NAME);
END
$$;

-- Every table that has capture triggers gets the guard, so the two lists cannot drift apart.
DO $$
DECLARE
  captured record;
BEGIN
  FOR captured IN
    SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND t.tgname = c.relname || '_capture_insert' AND c.relnamespace = current_schema()::regnamespace
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_refuse_truncate()',
                   captured.relname || '_refuse_truncate', captured.relname);
  END LOOP;
END
$$;
