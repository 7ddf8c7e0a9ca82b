--liquibase formatted sql

--changeset tasklane:0013-rate-budgets
--comment: One request budget per API key, shared by every instance of a worker: each call first takes the next free
--comment: moment of its key (next_at, then next_at moves one spacing on) with one atomic upsert, so N instances together
--comment: stay within the key's quota however many there are and whoever joins or leaves. The name is the API and a
--comment: fingerprint of the key (never the key). Only the workers' own user reads or writes it.
--comment: UNLOGGED: a call's upsert writes no WAL, so its commit waits for no disk flush; after a crash the table is
--comment: empty and the next call starts the key's row afresh, which costs at most one early moment.
CREATE UNLOGGED TABLE public.rate_budgets (
    name    text        NOT NULL,
    next_at timestamptz NOT NULL,
    CONSTRAINT rate_budgets_pkey PRIMARY KEY (name)
);

COMMENT ON TABLE public.rate_budgets IS 'Per API key: the earliest moment the next call may be made (RateBudget in task-worker).';

-- no policy: the roles of the existing app's users see nothing; the services' owner role is not subject to it
ALTER TABLE public.rate_budgets ENABLE ROW LEVEL SECURITY;
