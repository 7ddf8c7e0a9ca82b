--liquibase formatted sql

--changeset tasklane:0012-failure-inbox-columns
--comment: What the failure inbox needs to know of a task: who asked (by name), whether it waits for an outage, and
--comment: why a failure left the inbox by itself. The archive keeps every column of the live table.
ALTER TABLE public.background_tasks
    ADD COLUMN created_by_name text,
    ADD COLUMN attempt_at      timestamptz,
    ADD COLUMN waiting_since   timestamptz,
    ADD COLUMN waiting_for     text,
    ADD COLUMN resolution      text,
    ADD COLUMN resolved_by     uuid,
    ADD CONSTRAINT background_tasks_resolution_check
        CHECK (resolution IS NULL OR resolution IN ('superseded', 'no_longer_needed', 'recovered'));
ALTER TABLE public.background_tasks_archive
    ADD COLUMN created_by_name text,
    ADD COLUMN attempt_at      timestamptz,
    ADD COLUMN waiting_since   timestamptz,
    ADD COLUMN waiting_for     text,
    ADD COLUMN resolution      text,
    ADD COLUMN resolved_by     uuid;

COMMENT ON COLUMN public.background_tasks.created_by_name IS 'The requesting person as their token named them (name, else email) when they asked.';
COMMENT ON COLUMN public.background_tasks.attempt_at IS 'When the current attempt was first heard of (its earliest event).';
COMMENT ON COLUMN public.background_tasks.waiting_since IS 'When a worker first held the current attempt back for an outage (an open circuit, a rate limit). The task is waiting while it is pending or running and this is set.';
COMMENT ON COLUMN public.background_tasks.waiting_for IS 'The API the task waited for, as an error source: google_maps, quo.';
COMMENT ON COLUMN public.background_tasks.resolution IS 'Why a failure left the inbox without a person: superseded (a later run for the same record completed), no_longer_needed (the record was deleted), recovered (it ran when the API answered again). dismissed_at holds when.';
COMMENT ON COLUMN public.background_tasks.resolved_by IS 'The later task whose completion superseded this failure.';

-- Failures by the record they are about: what a later run of the same type supersedes. Failed rows are few, so
-- probing it for every completed task of a batch costs little.
CREATE INDEX background_tasks_failures_by_entity_idx
    ON public.background_tasks (entity_type, entity_id, task_type)
    WHERE status = 'failed';

--changeset tasklane:0012-task-failures
--comment: Every failed attempt of every task, kept when the task is retried, dismissed or resolved: the history the
--comment: incidents are derived from. Written by the ledger's projection from TaskFailed events only.
CREATE TABLE public.task_failures (
    task_id         uuid        NOT NULL,
    attempt         integer     NOT NULL,
    source          text        NOT NULL,
    error_code      text        NOT NULL,
    task_type       text        NOT NULL,
    entity_type     text        NOT NULL,
    entity_id       uuid        NOT NULL,
    entity_name     text,
    created_by      uuid,
    created_by_name text,
    error_message   text        NOT NULL,
    failed_at       timestamptz NOT NULL,
    -- when and how the failure stopped being in anyone's inbox; null while it still is
    left_at         timestamptz,
    left_how        text,
    incident_id     uuid,
    CONSTRAINT task_failures_pkey PRIMARY KEY (task_id, attempt, source, error_code),
    CONSTRAINT task_failures_left_how_check CHECK (left_how IS NULL OR left_how IN
        ('retried', 'dismissed', 'superseded', 'no_longer_needed', 'recovered', 'replaced', 'archived'))
);

COMMENT ON TABLE public.task_failures IS 'Each failed attempt of a task (the failure history): which incident it belongs to, and when and how it left the inbox.';

CREATE INDEX task_failures_cause_idx ON public.task_failures (task_type, source, error_code, failed_at);
CREATE INDEX task_failures_incident_idx ON public.task_failures (incident_id, created_by);

--changeset tasklane:0012-task-incidents
--comment: One row per incident: failures of one cause (task type, source, error code) close together in time. Derived
--comment: from task_failures by the projection, so rebuilding the ledger derives the same incidents.
CREATE SEQUENCE public.task_incident_change_seq;

CREATE TABLE public.task_incidents (
    id            uuid        PRIMARY KEY,
    task_type     text        NOT NULL,
    source        text        NOT NULL,
    error_code    text        NOT NULL,
    title         text        NOT NULL,
    advice        text        NOT NULL,
    state         text        NOT NULL,
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    resolved_at   timestamptz,
    regressed_at  timestamptz,
    failures      integer     NOT NULL,
    open_failures integer     NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    change_seq    bigint      NOT NULL DEFAULT nextval('public.task_incident_change_seq'),
    CONSTRAINT task_incidents_state_check CHECK (state IN ('open', 'regressed', 'resolved')),
    CONSTRAINT task_incidents_resolved_check CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);

ALTER SEQUENCE public.task_incident_change_seq OWNED BY public.task_incidents.change_seq;

COMMENT ON TABLE public.task_incidents IS 'Failures that share a cause, as one incident: open while any of its failures is still in an inbox, resolved when none is, regressed when a new failure of the cause came within 7 days of its resolution.';

CREATE INDEX task_incidents_cause_idx ON public.task_incidents (task_type, source, error_code, first_seen);
CREATE INDEX task_incidents_open_idx ON public.task_incidents (last_seen DESC) WHERE state <> 'resolved';

--changeset tasklane:0012-failure-inbox-security
--comment: The history and the incidents under the same rule as the tasks: a user sees their own failures and the
--comment: incidents they have a failure in; supervisors and admins see all.
ALTER TABLE public.task_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task_incidents ENABLE ROW LEVEL SECURITY;

CREATE POLICY task_failures_read ON public.task_failures
    FOR SELECT
    USING (created_by = (SELECT auth.uid()) OR (SELECT public.tasklane_is_supervisor()));

CREATE POLICY task_incidents_read ON public.task_incidents
    FOR SELECT
    USING ((SELECT public.tasklane_is_supervisor())
           OR EXISTS (SELECT FROM public.task_failures f
                      WHERE f.incident_id = task_incidents.id AND f.created_by = (SELECT auth.uid())));

GRANT SELECT ON public.task_failures TO authenticated;
-- Row-level security picks rows, not columns: a user with one failure in an incident may read its cause in words, not
-- its counts, state or times, which include other people's failures. Their own are in task_failures.
GRANT SELECT (id, task_type, source, error_code, title, advice) ON public.task_incidents TO authenticated;

--changeset tasklane:0012-deleted-records-resolve-their-failures splitStatements:false
--comment: Deleting a client, driver or appointment takes its failed tasks out of every inbox: for each failed attempt
--comment: still in one, a TaskResolved (no_longer_needed) is written to the outbox in the deleting transaction and the
--comment: gateway's relay publishes it, so the ledger (and a rebuild) learns of it as of any other change. Whoever deletes
--comment: (the business app, a person at psql) needs no grant on the outbox: the function runs as its owner.
CREATE FUNCTION public.resolve_failures_of_deleted_record() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
DECLARE
    kind text := TG_ARGV[0];
BEGIN
    INSERT INTO public.outbox (event_id, topic, message_key, event_type, payload)
    SELECT e.event_id, 'task.status', t.id::text, 'TaskResolved',
           jsonb_build_object(
               'event_id', e.event_id,
               'event_type', 'TaskResolved',
               'occurred_at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'task_id', t.id,
               'task_type', t.task_type,
               'entity_type', t.entity_type,
               'entity_id', t.entity_id,
               'entity_name', coalesce(t.entity_name, ''),
               'created_by', t.created_by,
               'attempt', t.attempt,
               'resolution', 'no_longer_needed',
               'reason', 'The ' || kind || coalesce(' ' || nullif(t.entity_name, ''), '')
                         || ' was deleted, so this task is no longer needed.')
    FROM public.background_tasks t
    CROSS JOIN LATERAL (SELECT gen_random_uuid() AS event_id) e
    WHERE t.entity_type = kind AND t.entity_id = OLD.id AND t.status = 'failed' AND t.dismissed_at IS NULL;
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_resolve_failures AFTER DELETE ON public.clients
    FOR EACH ROW EXECUTE FUNCTION public.resolve_failures_of_deleted_record('client');
CREATE TRIGGER drivers_resolve_failures AFTER DELETE ON public.drivers
    FOR EACH ROW EXECUTE FUNCTION public.resolve_failures_of_deleted_record('driver');
CREATE TRIGGER appointments_resolve_failures AFTER DELETE ON public.appointments
    FOR EACH ROW EXECUTE FUNCTION public.resolve_failures_of_deleted_record('appointment');
