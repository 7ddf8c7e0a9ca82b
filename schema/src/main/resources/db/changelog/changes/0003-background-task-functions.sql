--liquibase formatted sql

--changeset tasklane:0003-background-task-transitions splitStatements:false
--comment: The old system's SQL API. Every function is SECURITY INVOKER: under row-level security a caller can only act
--comment: on the tasks they can see, and someone else's task "does not exist" for them.

-- The only status changes the SQL API allows, in one place.
CREATE FUNCTION public.background_task_transition_allowed(from_status text, to_status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM (VALUES ('pending', 'running'),
                     ('pending', 'completed'),
                     ('pending', 'failed'),
                     ('running', 'completed'),
                     ('running', 'failed')) AS allowed (from_status, to_status)
        WHERE allowed.from_status = background_task_transition_allowed.from_status
          AND allowed.to_status = background_task_transition_allowed.to_status)
$$;

-- Locks the task, or explains that there is no such task for the caller.
CREATE FUNCTION public.background_task_lock(task_id uuid) RETURNS public.background_tasks
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
DECLARE
    task public.background_tasks;
BEGIN
    IF task_id IS NULL THEN
        RAISE EXCEPTION 'task_id is required: pass the id of the background task'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO task FROM public.background_tasks t WHERE t.id = task_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Background task % does not exist (or is not visible to you)', task_id
            USING ERRCODE = 'no_data_found',
                  HINT = 'Check the task id; a task finished more than 7 days ago may have moved to background_tasks_archive.';
    END IF;
    RETURN task;
END
$$;

-- Locks the task for a change to to_status, or explains why it cannot change.
CREATE FUNCTION public.background_task_lock_for(task_id uuid, to_status text) RETURNS public.background_tasks
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
DECLARE
    task public.background_tasks := public.background_task_lock(task_id);
BEGIN
    IF NOT public.background_task_transition_allowed(task.status, to_status) THEN
        RAISE EXCEPTION 'Background task % cannot change from % to %', task_id, task.status, to_status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A task goes pending -> running -> completed or failed, and a finished task does not change again.';
    END IF;
    RETURN task;
END
$$;

--changeset tasklane:0003-background-task-functions splitStatements:false
CREATE FUNCTION public.create_background_task(entity_type text, entity_id uuid, entity_name text, task_type text,
                                              created_by uuid DEFAULT NULL) RETURNS uuid
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
DECLARE
    new_id uuid;
BEGIN
    IF entity_type IS NULL OR btrim(entity_type) = '' THEN
        RAISE EXCEPTION 'entity_type is required, for example ''client'' or ''driver''' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF entity_id IS NULL THEN
        RAISE EXCEPTION 'entity_id is required: the id of the record the task is about' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF task_type IS NULL OR btrim(task_type) = '' THEN
        RAISE EXCEPTION 'task_type is required, for example ''calculate_drive_times''' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    INSERT INTO public.background_tasks (entity_type, entity_id, entity_name, task_type, created_by)
    VALUES (entity_type, entity_id, entity_name, task_type, created_by)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE FUNCTION public.start_background_task(task_id uuid) RETURNS void
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
BEGIN
    PERFORM public.background_task_lock_for(task_id, 'running');
    UPDATE public.background_tasks t SET status = 'running', started_at = now() WHERE t.id = task_id;
END
$$;

CREATE FUNCTION public.complete_background_task(task_id uuid, result jsonb DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
BEGIN
    PERFORM public.background_task_lock_for(task_id, 'completed');
    UPDATE public.background_tasks t SET status = 'completed', completed_at = now(), result = result
    WHERE t.id = task_id;
END
$$;

CREATE FUNCTION public.fail_background_task(task_id uuid, error_message text) RETURNS void
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
BEGIN
    IF error_message IS NULL OR btrim(error_message) = '' THEN
        RAISE EXCEPTION 'error_message is required: say what failed, why, and what to do'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM public.background_task_lock_for(task_id, 'failed');
    UPDATE public.background_tasks t SET status = 'failed', failed_at = now(), error_message = error_message
    WHERE t.id = task_id;
END
$$;

-- Rejects acting for someone else: with a JWT, user_id must be the caller.
CREATE FUNCTION public.background_task_check_acting_user(user_id uuid) RETURNS void
    LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_variable
DECLARE
    caller uuid := auth.uid();
BEGIN
    IF user_id IS NULL THEN
        RAISE EXCEPTION 'user_id is required: pass the id of the user who dismisses' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF caller IS NOT NULL AND caller <> user_id THEN
        RAISE EXCEPTION 'User % cannot act on behalf of user %', caller, user_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Hides a failed task from its owner's list; the row stays. Returns false when it was already dismissed.
CREATE FUNCTION public.dismiss_background_task(task_id uuid, user_id uuid) RETURNS boolean
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
DECLARE
    task public.background_tasks;
BEGIN
    PERFORM public.background_task_check_acting_user(user_id);
    task := public.background_task_lock(task_id);
    IF task.created_by IS DISTINCT FROM user_id AND NOT public.tasklane_is_supervisor() THEN
        RAISE EXCEPTION 'Background task % belongs to another user: only its owner, a supervisor or an admin can dismiss it', task_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF task.status <> 'failed' THEN
        RAISE EXCEPTION 'Background task % is %: only a failed task can be dismissed', task_id, task.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF task.dismissed_at IS NOT NULL THEN
        RETURN false;
    END IF;
    UPDATE public.background_tasks t SET dismissed_at = now(), dismissed_by = user_id WHERE t.id = task_id;
    RETURN true;
END
$$;

-- Dismisses every undismissed failed task of user_id and returns how many.
CREATE FUNCTION public.dismiss_all_failed_tasks(user_id uuid) RETURNS integer
    LANGUAGE plpgsql
AS $$
#variable_conflict use_variable
DECLARE
    dismissed integer;
BEGIN
    PERFORM public.background_task_check_acting_user(user_id);
    UPDATE public.background_tasks t SET dismissed_at = now(), dismissed_by = user_id
    WHERE t.created_by = user_id AND t.status = 'failed' AND t.dismissed_at IS NULL;
    GET DIAGNOSTICS dismissed = ROW_COUNT;
    RETURN dismissed;
END
$$;
