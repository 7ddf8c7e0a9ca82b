--liquibase formatted sql

--changeset tasklane:0001-auth-functions splitStatements:false
--comment: The caller of a query comes from request.jwt.claims, the way PostgREST and Supabase set it. A Supabase project
--comment: already has the auth schema, auth.uid(), auth.jwt() and the authenticated role: they are created only where missing.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
        CREATE SCHEMA auth;
        GRANT USAGE ON SCHEMA auth TO PUBLIC;
    END IF;

    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb
            LANGUAGE sql STABLE
        AS $f$
            SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                            nullif(current_setting('request.jwt.claims', true), ''))::jsonb
        $f$;
    END IF;

    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid
            LANGUAGE sql STABLE
        AS $f$
            SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                            nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid
        $f$;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;

    -- The services switch to this role (SET LOCAL ROLE authenticated) to query as the caller.
    IF NOT pg_has_role(current_user, 'authenticated', 'MEMBER') THEN
        EXECUTE format('GRANT authenticated TO %I', current_user);
    END IF;
END
$$;

--changeset tasklane:0001-caller-role splitStatements:false
--comment: The caller's application role (user, supervisor, admin) from the JWT claim app_metadata.role.
CREATE OR REPLACE FUNCTION public.tasklane_caller_role() RETURNS text
    LANGUAGE sql STABLE
AS $$
    SELECT coalesce(auth.jwt() -> 'app_metadata' ->> 'role', 'user')
$$;

CREATE OR REPLACE FUNCTION public.tasklane_is_supervisor() RETURNS boolean
    LANGUAGE sql STABLE
AS $$
    SELECT public.tasklane_caller_role() IN ('supervisor', 'admin')
$$;
