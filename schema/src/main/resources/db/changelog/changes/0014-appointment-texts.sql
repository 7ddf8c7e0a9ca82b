--liquibase formatted sql

--changeset tasklane:0014-appointment-revision
--comment: An appointment's revision: 1 when it is saved first, one more each time the gateway saves a change of its
--comment: time, place (pickup or dropoff), client or status. A text task names the revision it announces, so a task
--comment: overtaken by a newer change knows it and sends nothing.
ALTER TABLE public.appointments ADD COLUMN revision integer NOT NULL DEFAULT 1;
ALTER TABLE public.appointments ADD CONSTRAINT appointments_revision_positive CHECK (revision >= 1);

COMMENT ON COLUMN public.appointments.revision IS 'One more at every saved change of time, place, client or status (the gateway bumps it); the send_appointment_text task names the revision it texts about.';

--changeset tasklane:0014-appointment-texts
--comment: The text of each appointment revision, claimed before Quo is asked to send it and marked sent after, so a
--comment: redelivered or retried task never texts twice: a claimed revision whose send may have gone out
--comment: (send_started_at set, not yet sent) is first looked up in Quo's sent messages. Only the workers' own user
--comment: reads or writes it.
CREATE TABLE public.appointment_texts (
    appointment_id  uuid        NOT NULL REFERENCES public.appointments (id) ON DELETE CASCADE,
    revision        integer     NOT NULL,
    kind            text        NOT NULL,
    status          text        NOT NULL DEFAULT 'claimed',
    task_id         uuid        NOT NULL,
    to_number       text,
    content         text,
    claimed_at      timestamptz NOT NULL DEFAULT now(),
    send_started_at timestamptz,
    quo_message_id  text,
    sent_at         timestamptz,
    CONSTRAINT appointment_texts_pkey PRIMARY KEY (appointment_id, revision),
    CONSTRAINT appointment_texts_kind_check CHECK (kind IN ('confirmation', 'cancellation')),
    CONSTRAINT appointment_texts_status_check CHECK (status IN ('claimed', 'sent')),
    CONSTRAINT appointment_texts_sent_has_message
        CHECK (status <> 'sent' OR (quo_message_id IS NOT NULL AND sent_at IS NOT NULL)),
    CONSTRAINT appointment_texts_content_length CHECK (content IS NULL OR char_length(content) BETWEEN 1 AND 1600)
);

COMMENT ON TABLE public.appointment_texts IS 'One row per appointment revision texted to its client: claimed before the send, sent once Quo accepted it (quo-sync-worker).';
COMMENT ON COLUMN public.appointment_texts.send_started_at IS 'When the last attempt to send began: set and committed before Quo is called, so a run after a crash knows the text may have gone out and asks Quo first.';
COMMENT ON COLUMN public.appointment_texts.quo_message_id IS 'The id Quo gave the message (AC…).';

-- no policy: the roles of the existing app's users see nothing; the services' owner role is not subject to it
ALTER TABLE public.appointment_texts ENABLE ROW LEVEL SECURITY;
