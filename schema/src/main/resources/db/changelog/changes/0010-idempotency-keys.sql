--liquibase formatted sql

--changeset tasklane:0010-idempotency-keys
--comment: The gateway's Idempotency-Key memory: a retried POST (double click, flaky network) with the same key returns
--comment: the first answer instead of doing the work twice. The key row is written in the same transaction as the work,
--comment: so a request that failed leaves no key behind; a concurrent second request waits on the key's unique index
--comment: until the first commits, then reads its answer.
CREATE TABLE public.idempotency_keys (
    user_id         uuid        NOT NULL,
    idempotency_key text        NOT NULL,
    endpoint        text        NOT NULL,
    request_hash    text        NOT NULL,
    response_status integer,
    response_body   jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, idempotency_key),
    CONSTRAINT idempotency_keys_key_length CHECK (length(idempotency_key) BETWEEN 1 AND 255)
);

COMMENT ON TABLE public.idempotency_keys IS 'Answers of POST requests that carried an Idempotency-Key, kept for a day to answer retries.';

CREATE INDEX idempotency_keys_created_at_idx ON public.idempotency_keys (created_at);
