--liquibase formatted sql

--changeset tasklane:0005-background-task-views
--comment: security_invoker (PostgreSQL 15+): the views read background_tasks as the caller, so row-level security applies.
CREATE VIEW public.user_failed_tasks WITH (security_invoker = true) AS
SELECT id, entity_type, entity_id, entity_name, task_type, attempt, error_message, error_code, error_retryable,
       created_by, created_at, started_at, failed_at
FROM public.background_tasks
WHERE status = 'failed'
  AND dismissed_at IS NULL
  AND created_by = auth.uid();

COMMENT ON VIEW public.user_failed_tasks IS 'The calling user''s failed tasks that they have not dismissed.';

CREATE VIEW public.all_failed_tasks WITH (security_invoker = true) AS
SELECT id, entity_type, entity_id, entity_name, task_type, attempt, error_message, error_code, error_retryable,
       created_by, created_at, started_at, failed_at
FROM public.background_tasks
WHERE status = 'failed'
  AND dismissed_at IS NULL;

COMMENT ON VIEW public.all_failed_tasks IS 'Every undismissed failed task the caller may see: all of them for supervisors and admins, their own for users.';

CREATE VIEW public.task_status_summary WITH (security_invoker = true) AS
SELECT task_type, status, count(*) AS task_count, max(updated_at) AS last_updated_at
FROM public.background_tasks
GROUP BY task_type, status;

COMMENT ON VIEW public.task_status_summary IS 'How many tasks of each type are in each status (of those the caller may see).';

CREATE VIEW public.failed_tasks_summary WITH (security_invoker = true) AS
SELECT task_type,
       count(*)                   AS failed_count,
       count(DISTINCT created_by) AS affected_users,
       min(failed_at)             AS oldest_failed_at,
       max(failed_at)             AS newest_failed_at
FROM public.background_tasks
WHERE status = 'failed'
  AND dismissed_at IS NULL
GROUP BY task_type;

COMMENT ON VIEW public.failed_tasks_summary IS 'Undismissed failed tasks by type: how many, how many users, oldest and newest.';
