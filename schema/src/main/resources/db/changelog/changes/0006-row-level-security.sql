--liquibase formatted sql

--changeset tasklane:0006-row-level-security
--comment: A user reads and dismisses only their own tasks; supervisors and admins read and dismiss all. Owners of the
--comment: tables (the services) and roles with BYPASSRLS (Supabase's service_role) are not restricted.
ALTER TABLE public.background_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.background_tasks_archive ENABLE ROW LEVEL SECURITY;

CREATE POLICY background_tasks_read ON public.background_tasks
    FOR SELECT
    USING (created_by = (SELECT auth.uid()) OR (SELECT public.tasklane_is_supervisor()));

CREATE POLICY background_tasks_dismiss ON public.background_tasks
    FOR UPDATE
    USING (created_by = (SELECT auth.uid()) OR (SELECT public.tasklane_is_supervisor()))
    WITH CHECK (created_by = (SELECT auth.uid()) OR (SELECT public.tasklane_is_supervisor()));

CREATE POLICY background_tasks_archive_read ON public.background_tasks_archive
    FOR SELECT
    USING (created_by = (SELECT auth.uid()) OR (SELECT public.tasklane_is_supervisor()));

-- What a signed-in caller may do at all; the policies above then pick the rows.
GRANT USAGE ON SCHEMA public TO authenticated;
GRANT SELECT ON public.background_tasks, public.background_tasks_archive TO authenticated;
GRANT UPDATE (dismissed_at, dismissed_by) ON public.background_tasks TO authenticated;
-- the update trigger moves change_seq forward as the caller
GRANT USAGE ON SEQUENCE public.background_task_change_seq TO authenticated;
GRANT SELECT ON public.user_failed_tasks, public.all_failed_tasks, public.task_status_summary,
    public.failed_tasks_summary TO authenticated;
