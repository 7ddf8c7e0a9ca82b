--liquibase formatted sql

--changeset tasklane:0007-domain-tables
--comment: The transport business's records: clients, drivers, appointments, and the drive time of each driver/client pair.
CREATE TABLE public.clients (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name           text        NOT NULL,
    phone          text,
    email          text,
    address        text        NOT NULL,
    notes          text,
    active         boolean     NOT NULL DEFAULT true,
    quo_contact_id text,
    created_by     uuid,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT clients_name_present CHECK (btrim(name) <> ''),
    CONSTRAINT clients_address_present CHECK (btrim(address) <> ''),
    CONSTRAINT clients_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{1,14}$')
);

COMMENT ON COLUMN public.clients.phone IS 'E.164, for example +15551234567.';
COMMENT ON COLUMN public.clients.quo_contact_id IS 'The id of the client''s contact in Quo, once the sync created or found it.';

CREATE INDEX clients_active_idx ON public.clients (id) WHERE active;

CREATE TABLE public.drivers (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text        NOT NULL,
    phone        text,
    home_address text        NOT NULL,
    active       boolean     NOT NULL DEFAULT true,
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT drivers_name_present CHECK (btrim(name) <> ''),
    CONSTRAINT drivers_home_address_present CHECK (btrim(home_address) <> ''),
    CONSTRAINT drivers_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{1,14}$')
);

CREATE INDEX drivers_active_idx ON public.drivers (id) WHERE active;

CREATE TABLE public.client_drive_times (
    client_id        uuid        NOT NULL REFERENCES public.clients (id) ON DELETE CASCADE,
    driver_id        uuid        NOT NULL REFERENCES public.drivers (id) ON DELETE CASCADE,
    distance_meters  integer,
    duration_seconds integer,
    status           text        NOT NULL,
    status_reason    text,
    computed_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT client_drive_times_pkey PRIMARY KEY (client_id, driver_id),
    CONSTRAINT client_drive_times_ok_has_values
        CHECK (status <> 'OK' OR (distance_meters IS NOT NULL AND duration_seconds IS NOT NULL)),
    CONSTRAINT client_drive_times_values_not_negative
        CHECK (distance_meters >= 0 AND duration_seconds >= 0)
);

COMMENT ON TABLE public.client_drive_times IS 'Drive time from each driver''s home to each client, one row per pair; a recomputation overwrites it.';
COMMENT ON COLUMN public.client_drive_times.status IS 'The Distance Matrix element status: OK, or why there is no route (NOT_FOUND, ZERO_RESULTS, MAX_ROUTE_LENGTH_EXCEEDED).';

CREATE INDEX client_drive_times_driver_idx ON public.client_drive_times (driver_id);

CREATE TABLE public.appointments (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id       uuid        NOT NULL REFERENCES public.clients (id),
    driver_id       uuid        REFERENCES public.drivers (id),
    scheduled_at    timestamptz NOT NULL,
    pickup_address  text,
    dropoff_address text,
    status          text        NOT NULL DEFAULT 'scheduled',
    notes           text,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT appointments_status_check CHECK (status IN ('scheduled', 'completed', 'cancelled'))
);

CREATE INDEX appointments_client_idx ON public.appointments (client_id, scheduled_at);

--changeset tasklane:0007-domain-updated-at splitStatements:false
CREATE FUNCTION public.tasklane_touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER clients_touch_updated_at BEFORE UPDATE ON public.clients
    FOR EACH ROW EXECUTE FUNCTION public.tasklane_touch_updated_at();
CREATE TRIGGER drivers_touch_updated_at BEFORE UPDATE ON public.drivers
    FOR EACH ROW EXECUTE FUNCTION public.tasklane_touch_updated_at();
CREATE TRIGGER appointments_touch_updated_at BEFORE UPDATE ON public.appointments
    FOR EACH ROW EXECUTE FUNCTION public.tasklane_touch_updated_at();
