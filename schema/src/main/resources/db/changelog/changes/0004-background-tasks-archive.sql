--liquibase formatted sql

--changeset tasklane:0004-background-tasks-archive
--comment: Tasks finished more than 7 days ago, moved out of the live table. It has every column of background_tasks
--comment: (a new column there must be added here too: the schema tests check it) plus archived_at.
CREATE TABLE public.background_tasks_archive (
    LIKE public.background_tasks INCLUDING CONSTRAINTS,
    archived_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT background_tasks_archive_pkey PRIMARY KEY (id)
);

COMMENT ON TABLE public.background_tasks_archive IS 'Background tasks that finished (completed or failed) more than 7 days ago, moved here by archive_old_tasks().';

CREATE INDEX background_tasks_archive_created_by_idx ON public.background_tasks_archive (created_by, archived_at DESC);
CREATE INDEX background_tasks_archive_entity_idx ON public.background_tasks_archive (entity_type, entity_id);

--changeset tasklane:0004-archive-functions splitStatements:false
-- Moves up to batch_size tasks that finished before cutoff into the archive and returns how many moved. Rows another
-- transaction holds are skipped, never waited for. The column list is read from the catalog, so a column added to
-- both tables later needs no change here.
CREATE FUNCTION public.archive_background_tasks_batch(batch_size integer, cutoff timestamptz) RETURNS integer
    LANGUAGE plpgsql
AS $$
DECLARE
    columns text;
    moved integer;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum)
    INTO columns
    FROM pg_attribute
    WHERE attrelid = 'public.background_tasks'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';

    EXECUTE format($sql$
        WITH picked AS (
            SELECT id
            FROM public.background_tasks
            WHERE status IN ('completed', 'failed') AND coalesce(completed_at, failed_at) < $1
            ORDER BY coalesce(completed_at, failed_at)
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        ), moved AS (
            DELETE FROM public.background_tasks live
            USING picked
            WHERE live.id = picked.id
            RETURNING live.*
        ), archived AS (
            INSERT INTO public.background_tasks_archive (%1$s)
            SELECT %1$s FROM moved
            ON CONFLICT (id) DO NOTHING
        )
        SELECT count(*) FROM moved
    $sql$, columns)
    INTO moved
    USING cutoff, batch_size;
    RETURN moved;
END
$$;

-- The old system's archive call: moves every task finished more than 7 days ago, batch by batch, inside the caller's
-- transaction, and returns how many moved. Running it again right away moves nothing.
CREATE FUNCTION public.archive_old_tasks() RETURNS integer
    LANGUAGE plpgsql
AS $$
DECLARE
    batch_size constant integer := 1000;
    cutoff constant timestamptz := now() - interval '7 days';
    total integer := 0;
    moved integer;
BEGIN
    LOOP
        moved := public.archive_background_tasks_batch(batch_size, cutoff);
        total := total + moved;
        EXIT WHEN moved < batch_size;
    END LOOP;
    RETURN total;
END
$$;

-- Same as archive_old_tasks(), but commits after every batch, so no lock is held longer than one batch takes:
-- what the ledger's nightly job calls. CALL it outside an explicit transaction (autocommit).
CREATE PROCEDURE public.archive_old_tasks_in_batches(INOUT archived integer DEFAULT 0, batch_size integer DEFAULT 1000)
    LANGUAGE plpgsql
AS $$
DECLARE
    cutoff constant timestamptz := now() - interval '7 days';
    moved integer;
BEGIN
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be 1 or more, was %', batch_size USING ERRCODE = 'invalid_parameter_value';
    END IF;
    archived := 0;
    LOOP
        moved := public.archive_background_tasks_batch(batch_size, cutoff);
        archived := archived + moved;
        COMMIT;
        EXIT WHEN moved < batch_size;
    END LOOP;
END
$$;
