--liquibase formatted sql

--changeset tasklane:0011-projected-rows-notify-per-statement splitStatements:false
--comment: The projection writes hundreds of rows per statement, and each row used to enter plpgsql three times (the
--comment: change_seq trigger, the per-row pg_notify, the SQL API announcement that returns at once for it) and queue one
--comment: notification. Its rows now skip those row triggers (WHEN conditions are evaluated without entering plpgsql):
--comment: its UPDATE sets updated_at and change_seq itself, and one statement-level trigger per INSERT or UPDATE
--comment: statement sends one notification naming the range of change_seq it wrote. Every other writer (the old SQL
--comment: API, a person at psql) keeps the per-row triggers and the per-row payload, unchanged.

-- One notification per statement of the projection, whatever its size: {"first_change_seq", "last_change_seq",
-- "changes"} of the rows whose change_seq this statement moved. A listener reads the rows with change_seq in that
-- range (rows of other transactions may share it: they were or will be announced by their own notification).
-- pg_notify is transactional: sent at commit, never for a rolled-back statement.
CREATE FUNCTION public.background_tasks_notify_statement() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    first_seq bigint;
    last_seq bigint;
    changes bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(n.change_seq), max(n.change_seq), count(*) INTO first_seq, last_seq, changes
        FROM changed_rows n;
    ELSE
        -- an UPDATE moves change_seq exactly when status, attempt or dismissal changed
        SELECT min(n.change_seq), max(n.change_seq), count(*) INTO first_seq, last_seq, changes
        FROM changed_rows n
        WHERE NOT EXISTS (SELECT FROM previous_rows o WHERE o.change_seq = n.change_seq);
    END IF;
    IF changes > 0 THEN
        PERFORM pg_notify('background_task_changes', json_build_object(
                'first_change_seq', first_seq,
                'last_change_seq', last_seq,
                'changes', changes)::text);
    END IF;
    RETURN NULL;
END
$$;

-- Transition tables need one trigger per event (PostgreSQL refuses them on an INSERT OR UPDATE trigger).
CREATE TRIGGER background_tasks_notify_projected_inserts
    AFTER INSERT ON public.background_tasks
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT
    WHEN (current_setting('tasklane.writer', true) = 'projection')
    EXECUTE FUNCTION public.background_tasks_notify_statement();

CREATE TRIGGER background_tasks_notify_projected_updates
    AFTER UPDATE ON public.background_tasks
    REFERENCING OLD TABLE AS previous_rows NEW TABLE AS changed_rows
    FOR EACH STATEMENT
    WHEN (current_setting('tasklane.writer', true) = 'projection')
    EXECUTE FUNCTION public.background_tasks_notify_statement();

-- The per-row notification, for every writer but the projection.
DROP TRIGGER background_tasks_notify_change ON public.background_tasks;
CREATE TRIGGER background_tasks_notify_change
    AFTER INSERT OR UPDATE ON public.background_tasks
    FOR EACH ROW
    WHEN (current_setting('tasklane.writer', true) IS DISTINCT FROM 'projection')
    EXECUTE FUNCTION public.background_tasks_notify_change();

-- The announcement returned at once for the projection; now it is not called for it at all.
DROP TRIGGER background_tasks_announce_sql_change ON public.background_tasks;
CREATE TRIGGER background_tasks_announce_sql_change
    AFTER INSERT OR UPDATE ON public.background_tasks
    FOR EACH ROW
    WHEN (current_setting('tasklane.writer', true) IS DISTINCT FROM 'projection')
    EXECUTE FUNCTION public.background_tasks_announce_sql_change();

-- updated_at and change_seq: skipped only when the projection has done the trigger's work itself (touched updated_at,
-- and moved change_seq if status, attempt or dismissal changed). Any other writer, or a projection statement that did
-- not, still goes through the trigger.
DROP TRIGGER background_tasks_before_update ON public.background_tasks;
CREATE TRIGGER background_tasks_before_update
    BEFORE UPDATE ON public.background_tasks
    FOR EACH ROW
    WHEN (current_setting('tasklane.writer', true) IS DISTINCT FROM 'projection'
          OR NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
          OR (NEW.change_seq IS NOT DISTINCT FROM OLD.change_seq
              AND (NEW.status, NEW.attempt, NEW.dismissed_at) IS DISTINCT FROM (OLD.status, OLD.attempt, OLD.dismissed_at)))
    EXECUTE FUNCTION public.background_tasks_before_update();
