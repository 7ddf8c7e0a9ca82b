--liquibase formatted sql

--changeset tasklane:0002-background-tasks
--comment: One row per task: its latest attempt and where that attempt stands.
CREATE SEQUENCE public.background_task_change_seq;

CREATE TABLE public.background_tasks (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    entity_type     text        NOT NULL,
    entity_id       uuid        NOT NULL,
    entity_name     text,
    task_type       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempt         integer     NOT NULL DEFAULT 1,
    payload         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    result          jsonb,
    error_message   text,
    error_code      text,
    error_source    text,
    error_retryable boolean,
    worker          text,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    completed_at    timestamptz,
    failed_at       timestamptz,
    dismissed_at    timestamptz,
    dismissed_by    uuid,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Grows with every change of status, attempt or dismissal: the position a realtime client resumes from.
    change_seq      bigint      NOT NULL DEFAULT nextval('public.background_task_change_seq'),
    CONSTRAINT background_tasks_status_check CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    CONSTRAINT background_tasks_attempt_check CHECK (attempt >= 1),
    CONSTRAINT background_tasks_only_failed_dismissed CHECK (dismissed_at IS NULL OR status = 'failed')
);

ALTER SEQUENCE public.background_task_change_seq OWNED BY public.background_tasks.change_seq;

COMMENT ON TABLE public.background_tasks IS 'Background tasks of Tasklane: one row per task, holding its latest attempt. Written by the task-ledger projection (and the create/start/complete/fail functions); read by users under row-level security.';
COMMENT ON COLUMN public.background_tasks.error_message IS 'For a person: what failed, why, and what to do.';
COMMENT ON COLUMN public.background_tasks.change_seq IS 'Increases on every change of status, attempt or dismissal; realtime clients resume from it.';

-- A user's undismissed failures (the header badge and panel), newest first.
CREATE INDEX background_tasks_user_failures_idx ON public.background_tasks (created_by, failed_at DESC)
    WHERE status = 'failed' AND dismissed_at IS NULL;
-- Everyone's undismissed failures (the supervisor widget).
CREATE INDEX background_tasks_failures_idx ON public.background_tasks (failed_at DESC)
    WHERE status = 'failed' AND dismissed_at IS NULL;
-- The archive job: finished tasks by age.
CREATE INDEX background_tasks_finished_idx ON public.background_tasks ((coalesce(completed_at, failed_at)))
    WHERE status IN ('completed', 'failed');
-- The tasks of one client, driver or appointment.
CREATE INDEX background_tasks_entity_idx ON public.background_tasks (entity_type, entity_id);
-- Realtime resume: changes after a position.
CREATE INDEX background_tasks_change_seq_idx ON public.background_tasks (change_seq);

--changeset tasklane:0002-background-tasks-triggers splitStatements:false
CREATE FUNCTION public.background_tasks_before_update() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    IF NEW.status IS DISTINCT FROM OLD.status
            OR NEW.attempt IS DISTINCT FROM OLD.attempt
            OR NEW.dismissed_at IS DISTINCT FROM OLD.dismissed_at THEN
        NEW.change_seq := nextval('public.background_task_change_seq');
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER background_tasks_before_update
    BEFORE UPDATE ON public.background_tasks
    FOR EACH ROW EXECUTE FUNCTION public.background_tasks_before_update();

-- Tells every listener (the ledger's realtime stream) that a task changed status, attempt or dismissal. Sent at
-- commit, so a listener never hears of a change that was rolled back.
CREATE FUNCTION public.background_tasks_notify_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT'
            OR NEW.status IS DISTINCT FROM OLD.status
            OR NEW.attempt IS DISTINCT FROM OLD.attempt
            OR NEW.dismissed_at IS DISTINCT FROM OLD.dismissed_at THEN
        PERFORM pg_notify('background_task_changes', json_build_object(
                'id', NEW.id,
                'status', NEW.status,
                'attempt', NEW.attempt,
                'task_type', NEW.task_type,
                'created_by', NEW.created_by,
                'dismissed', NEW.dismissed_at IS NOT NULL,
                'change_seq', NEW.change_seq)::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER background_tasks_notify_change
    AFTER INSERT OR UPDATE ON public.background_tasks
    FOR EACH ROW EXECUTE FUNCTION public.background_tasks_notify_change();
