--liquibase formatted sql

--changeset tasklane:0009-sql-api-changes-become-events splitStatements:false
--comment: A task changed through the old SQL API (an n8n workflow calling create_/start_/complete_/fail_background_task or
--comment: dismiss_background_task) is announced like any other: the matching event is written to the outbox in the same
--comment: transaction, and the gateway's relay publishes it. The log then holds every change, and a ledger rebuilt from
--comment: the topics loses none. The ledger's own projection marks its transactions (tasklane.writer = projection) and is
--comment: not announced again.
CREATE FUNCTION public.background_tasks_announce_sql_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    event_type text;
    happened_at timestamptz;
    details jsonb;
BEGIN
    IF current_setting('tasklane.writer', true) = 'projection' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.attempt IS DISTINCT FROM OLD.attempt
            OR (NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'pending') THEN
        event_type := 'TaskRequested';
        happened_at := NEW.created_at;
        details := jsonb_build_object('payload', NEW.payload);
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        CASE NEW.status
            WHEN 'running' THEN
                event_type := 'TaskStarted';
                happened_at := NEW.started_at;
                details := jsonb_build_object('worker', coalesce(NEW.worker, 'sql-api'));
            WHEN 'completed' THEN
                event_type := 'TaskCompleted';
                happened_at := NEW.completed_at;
                details := jsonb_build_object('worker', coalesce(NEW.worker, 'sql-api'),
                                              'result', coalesce(NEW.result, '{}'::jsonb));
            ELSE
                event_type := 'TaskFailed';
                happened_at := NEW.failed_at;
                details := jsonb_build_object('worker', coalesce(NEW.worker, 'sql-api'),
                                              'error', jsonb_build_object(
                                                  'message', NEW.error_message,
                                                  'code', coalesce(NEW.error_code, 'SQL_API'),
                                                  'source', coalesce(NEW.error_source, 'sql'),
                                                  'retryable', coalesce(NEW.error_retryable, false)));
        END CASE;
    ELSIF NEW.dismissed_at IS NOT NULL AND OLD.dismissed_at IS NULL
            AND coalesce(NEW.dismissed_by, NEW.created_by) IS NOT NULL THEN
        event_type := 'TaskDismissed';
        happened_at := NEW.dismissed_at;
        details := jsonb_build_object('dismissed_by', coalesce(NEW.dismissed_by, NEW.created_by));
    ELSE
        RETURN NULL;
    END IF;

    INSERT INTO public.outbox (event_id, topic, message_key, event_type, payload)
    SELECT e.event_id, CASE WHEN event_type = 'TaskRequested' THEN 'task.requested.' || NEW.task_type ELSE 'task.status' END,
           NEW.id::text, event_type,
           jsonb_build_object(
               'event_id', e.event_id,
               'event_type', event_type,
               'occurred_at', to_char(coalesce(happened_at, now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'task_id', NEW.id,
               'task_type', NEW.task_type,
               'entity_type', NEW.entity_type,
               'entity_id', NEW.entity_id,
               'entity_name', coalesce(NEW.entity_name, ''),
               'created_by', NEW.created_by,
               'attempt', NEW.attempt) || details
    FROM (SELECT gen_random_uuid() AS event_id) AS e;
    RETURN NULL;
END
$$;

CREATE TRIGGER background_tasks_announce_sql_change
    AFTER INSERT OR UPDATE ON public.background_tasks
    FOR EACH ROW EXECUTE FUNCTION public.background_tasks_announce_sql_change();

-- A signed-in caller who dismisses through the SQL function writes the announcement too.
GRANT INSERT ON public.outbox TO authenticated;
