-- The clinic chain's central database (issue 14): every kiosk forwards its
-- requests, their audit rows and their status changes here, and the call
-- centre works from it (kioskctl --central ...). Plain PostgreSQL 15.
--
-- Versioned: central_schema holds the version applied. `kioskctl central
-- init` applies this file once, in one transaction, when the version table
-- is missing; a later version of the file adds a step below and bumps the
-- number, never edits a shipped one.
--
-- Every row carries the kiosk it came from. The uuid made at the kiosk is
-- the idempotency key: a forwarder that lost an acknowledgement sends the
-- row again and INSERT ... ON CONFLICT (uuid) DO NOTHING keeps one row.

CREATE TABLE central_schema (
    version integer NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE requests (
    id bigserial PRIMARY KEY,
    uuid uuid NOT NULL UNIQUE,
    kiosk_id text NOT NULL CHECK (kiosk_id <> ''),
    local_id bigint NOT NULL,
    ref text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('consultation', 'follow_up', 'urgent_alert')),
    urgency text NOT NULL CHECK (urgency IN ('routine', 'concerning', 'urgent')),
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'claimed', 'done')),
    name text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    contact_time text NOT NULL DEFAULT '',
    area text,
    when_choice text,
    days_since_session integer,
    selfcheck_summary text NOT NULL DEFAULT '',
    language text NOT NULL DEFAULT '',
    consent boolean NOT NULL DEFAULT false,
    consent_at timestamptz,
    created_at timestamptz NOT NULL,
    note text NOT NULL DEFAULT '',
    claimed_by text NOT NULL DEFAULT '',
    claimed_at timestamptz,
    done_by text NOT NULL DEFAULT '',
    done_at timestamptz,
    -- A claim or done made here that the kiosk has not applied yet: its
    -- forwarder pulls these rows and clears the flag when the kiosk's own
    -- status comes back (see README "The conflict rule").
    pending_to_kiosk boolean NOT NULL DEFAULT false,
    received_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The call centre's queue across kiosks: open first, urgent first, oldest first.
CREATE INDEX requests_queue ON requests
    (status, (CASE urgency WHEN 'urgent' THEN 0 WHEN 'concerning' THEN 1 ELSE 2 END), created_at);
CREATE INDEX requests_kiosk_age ON requests (kiosk_id, created_at);
CREATE INDEX requests_kiosk_local ON requests (kiosk_id, local_id);
CREATE INDEX requests_ref ON requests (ref);
CREATE INDEX requests_pending ON requests (kiosk_id) WHERE pending_to_kiosk;

-- The whole history: every kiosk audit row (local_id = its id in the kiosk
-- database named source_db: ids restart when a damaged database is replaced)
-- and the centre's own actions (source_db and local_id NULL). Append-only.
CREATE TABLE audit (
    id bigserial PRIMARY KEY,
    kiosk_id text NOT NULL,
    source_db uuid,
    local_id bigint,
    at timestamptz NOT NULL,
    actor text NOT NULL DEFAULT '',
    action text NOT NULL,
    request_uuid uuid,
    request_ref text NOT NULL DEFAULT '',
    detail text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_db, local_id)
);
CREATE INDEX audit_request ON audit (request_uuid, at);
CREATE INDEX audit_at ON audit (at);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only';
END
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();

INSERT INTO central_schema (version) VALUES (1);
