-- Group-purchase campaigns: suppliers, campaigns and their price tiers, pledges of waiting
-- needs, the purchase order, the devices delivered, and notices to the social workers
-- concerned. Amounts are whole cents of a euro.

-- a need enrolled in a campaign is 'pledged' (matching leaves it alone)
ALTER TABLE needs DROP CONSTRAINT needs_status_check;
ALTER TABLE needs ADD CONSTRAINT needs_status_check CHECK (status IN (
    'submitted', 'proposed', 'reserving', 'reserved', 'handed_over', 'waiting', 'pledged',
    'cancelled', 'returned'));

CREATE TABLE suppliers (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('refurbisher', 'social_enterprise', 'other')),
    contact    text NOT NULL DEFAULT '',
    email      text NOT NULL DEFAULT '',
    phone      text NOT NULL DEFAULT '',
    terms      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX suppliers_name_unique ON suppliers (lower(name));

CREATE TABLE campaigns (
    id                 uuid PRIMARY KEY,
    status             text NOT NULL DEFAULT 'draft' CHECK (status IN (
        'draft', 'open', 'ordered', 'received', 'closed', 'cancelled')),
    version            integer NOT NULL DEFAULT 1,
    title              text NOT NULL DEFAULT '',
    device_type        text NOT NULL,
    min_memory_gb      integer NOT NULL DEFAULT 0,
    min_storage_gb     integer NOT NULL DEFAULT 0,
    grade              text NOT NULL DEFAULT 'B' CHECK (grade IN ('A', 'B', 'C')),
    supplier_id        uuid REFERENCES suppliers (id),
    supplier_offer     text NOT NULL DEFAULT '',
    minimum_quantity   integer NOT NULL DEFAULT 1 CHECK (minimum_quantity >= 1),
    maximum_quantity   integer NOT NULL DEFAULT 1,
    -- the waiting needs of that type when a draft was proposed from the shortage signal
    expected_quantity  integer NOT NULL DEFAULT 0,
    deadline           timestamptz,
    deadline_policy    text CHECK (deadline_policy IN ('extend_once', 'cancel')),
    extension_days     integer NOT NULL DEFAULT 14 CHECK (extension_days BETWEEN 1 AND 90),
    extended_at        timestamptz,
    contribution_scale jsonb NOT NULL,
    subsidy_funder     text NOT NULL DEFAULT '',
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    opened_at          timestamptz,
    ordered_at         timestamptz,
    received_at        timestamptz,
    delivered_quantity integer,
    delivery_discrepancy text NOT NULL DEFAULT '',
    closed_at          timestamptz,
    cancelled_at       timestamptz,
    cancel_reason      text NOT NULL DEFAULT '',
    CHECK (maximum_quantity >= minimum_quantity),
    CHECK (status = 'draft' OR status = 'cancelled'
           OR (supplier_id IS NOT NULL AND deadline IS NOT NULL AND deadline_policy IS NOT NULL))
);
CREATE INDEX campaigns_due ON campaigns (deadline) WHERE status = 'open';

CREATE TABLE price_tiers (
    campaign_id      uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    min_quantity     integer NOT NULL CHECK (min_quantity >= 1),
    max_quantity     integer CHECK (max_quantity IS NULL OR max_quantity >= min_quantity),
    unit_price_cents integer NOT NULL CHECK (unit_price_cents > 0),
    PRIMARY KEY (campaign_id, min_quantity)
);

CREATE TABLE pledges (
    id                 uuid PRIMARY KEY,
    campaign_id        uuid NOT NULL REFERENCES campaigns (id),
    need_id            uuid NOT NULL REFERENCES needs (id),
    organisation_id    uuid NOT NULL REFERENCES organisations (id),
    band               text NOT NULL,
    status             text NOT NULL DEFAULT 'pledged' CHECK (status IN (
        'pledged', 'allocated', 'released', 'unserved')),
    -- fixed when the order goes (the unit price is known only then)
    contribution_cents integer CHECK (contribution_cents >= 0),
    pledged_by         text NOT NULL,
    pledged_at         timestamptz NOT NULL,
    released_at        timestamptz,
    release_reason     text NOT NULL DEFAULT ''
);
-- a need is pledged to one campaign at a time
CREATE UNIQUE INDEX pledges_one_live_per_need ON pledges (need_id)
    WHERE status IN ('pledged', 'allocated');
CREATE INDEX pledges_of_campaign ON pledges (campaign_id, pledged_at);

CREATE TABLE purchase_orders (
    campaign_id         uuid PRIMARY KEY REFERENCES campaigns (id),
    number              text NOT NULL UNIQUE,
    quantity            integer NOT NULL CHECK (quantity > 0),
    tier_min_quantity   integer NOT NULL,
    tier_max_quantity   integer,
    unit_price_cents    integer NOT NULL CHECK (unit_price_cents > 0),
    total_cents         bigint NOT NULL,
    contributions_cents bigint NOT NULL CHECK (contributions_cents >= 0),
    subsidy_cents       bigint NOT NULL CHECK (subsidy_cents >= 0),
    ordered_by          text NOT NULL,
    ordered_at          timestamptz NOT NULL,
    -- the amounts add up exactly, or nothing is recorded
    CHECK (total_cents = unit_price_cents::bigint * quantity),
    CHECK (total_cents = contributions_cents + subsidy_cents)
);

CREATE TABLE received_devices (
    device_id      uuid PRIMARY KEY,
    campaign_id    uuid NOT NULL REFERENCES campaigns (id),
    label          text NOT NULL UNIQUE,
    grade          text NOT NULL,
    specs          jsonb NOT NULL,
    serial_number  text NOT NULL DEFAULT '',
    pledge_id      uuid REFERENCES pledges (id),
    reservation_id uuid,  -- the reservation attempt asked of inventory
    received_by    text NOT NULL,
    received_at    timestamptz NOT NULL
);
CREATE INDEX received_devices_of_campaign ON received_devices (campaign_id);

-- What social workers are told about the campaigns their organisation pledged to.
CREATE TABLE campaign_notices (
    id              uuid PRIMARY KEY,
    campaign_id     uuid NOT NULL REFERENCES campaigns (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    kind            text NOT NULL,
    details         jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL
);
CREATE INDEX campaign_notices_of_organisation ON campaign_notices (organisation_id, created_at);
