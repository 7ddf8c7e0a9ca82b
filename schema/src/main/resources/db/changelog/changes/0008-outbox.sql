--liquibase formatted sql

--changeset tasklane:0008-outbox
--comment: The gateway's transactional outbox: a TaskRequested written in the same transaction as the record it is about,
--comment: published to Kafka by the relay after commit, and deleted once Kafka acknowledged it.
CREATE TABLE public.outbox (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         uuid        NOT NULL UNIQUE,
    topic            text        NOT NULL,
    message_key      text        NOT NULL,
    event_type       text        NOT NULL,
    payload          jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    publish_attempts integer     NOT NULL DEFAULT 0,
    last_attempt_at  timestamptz,
    last_error       text
);

COMMENT ON TABLE public.outbox IS 'Events waiting for the relay to publish them to Kafka; a row is deleted once Kafka acknowledged it.';
COMMENT ON COLUMN public.outbox.payload IS 'The event, as the JSON that goes on the topic.';

--changeset tasklane:0008-outbox-notify splitStatements:false
-- Wakes the relay at commit of any transaction that wrote to the outbox, instead of a polling delay.
CREATE FUNCTION public.outbox_notify() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify
    AFTER INSERT ON public.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION public.outbox_notify();
