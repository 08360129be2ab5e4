-- Team buys (Pinduoduo / Jingxi) and community group purchase (leaders,
-- pickup points, campaigns with a cut-off and a threshold).

-- A merchant's team price on one SKU. `tiers` is "members:price,..." in
-- ascending members, parsed by the domain's TeamTerms.
CREATE TABLE team_offers (
    id INTEGER PRIMARY KEY,
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    sku_id INTEGER NOT NULL REFERENCES skus(id),
    min_size INTEGER NOT NULL,
    max_size INTEGER NOT NULL,
    time_limit_seconds INTEGER NOT NULL,
    start_price_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    tiers TEXT NOT NULL,
    -- active or withdrawn (no new teams; running ones finish)
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX team_offers_product ON team_offers(product_id, status);
CREATE INDEX team_offers_shop ON team_offers(shop_id, id);

-- One team. `seats` counts orders holding a seat (paid or awaiting payment),
-- raised with `WHERE seats < max_size`, so concurrent joins never overfill
-- it; `members` counts paid seats, the only ones that make a team.
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES team_offers(id),
    opener_id INTEGER NOT NULL REFERENCES users(id),
    max_size INTEGER NOT NULL,
    seats INTEGER NOT NULL CHECK (seats >= 0 AND seats <= max_size),
    members INTEGER NOT NULL DEFAULT 0 CHECK (members >= 0 AND members <= seats),
    -- opening (the opener has not paid), forming, complete, failed, abandoned
    status TEXT NOT NULL,
    opened_at INTEGER,
    expires_at INTEGER,
    final_price_minor INTEGER,
    closed_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX teams_due ON teams(status, expires_at);
CREATE INDEX teams_offer ON teams(offer_id, status);
ALTER TABLE orders ADD COLUMN team_id INTEGER REFERENCES teams(id);
CREATE INDEX orders_team ON orders(team_id);
-- One live seat per shopper per team, even when two joins race.
CREATE UNIQUE INDEX orders_team_buyer ON orders(team_id, buyer_id) WHERE team_id IS NOT NULL AND status NOT IN ('cancelled', 'refunded');

-- Where a store is and how far it delivers (default 3 km, as 7Fresh).
ALTER TABLE shops ADD COLUMN lat_micro INTEGER;
ALTER TABLE shops ADD COLUMN lng_micro INTEGER;
ALTER TABLE shops ADD COLUMN delivery_radius_m INTEGER NOT NULL DEFAULT 3000;

-- A leader's community and pickup point; one per leader. It starts as an
-- application that an operator approves or rejects.
CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    leader_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
    name TEXT NOT NULL,
    area TEXT NOT NULL,
    pickup_address TEXT NOT NULL,
    pickup_hours TEXT NOT NULL,
    lat_micro INTEGER NOT NULL,
    lng_micro INTEGER NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    -- applied, approved, rejected
    status TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by INTEGER REFERENCES users(id)
);
CREATE INDEX communities_status ON communities(status, id);

CREATE TABLE community_members (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_user ON community_members(user_id);

-- A leader's campaign: products of one serving store, until a cut-off.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id),
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    title TEXT NOT NULL,
    cutoff_at INTEGER NOT NULL,
    delivery_date TEXT NOT NULL,
    -- units the whole campaign needs; 0 for none
    threshold_units INTEGER NOT NULL,
    commission_bps INTEGER NOT NULL,
    -- open, then succeeded or failed when the close job runs; a succeeded
    -- campaign's delivery is marked arrived at the pickup point.
    status TEXT NOT NULL,
    closed_at INTEGER,
    arrived_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX campaigns_community ON campaigns(community_id, id);
CREATE INDEX campaigns_due ON campaigns(status, cutoff_at);
CREATE INDEX campaigns_shop ON campaigns(shop_id, id);

CREATE TABLE campaign_items (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    sku_id INTEGER NOT NULL REFERENCES skus(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    -- units this product needs; 0 for none. Below it at close, its lines
    -- are refunded and it is left out of the supply order.
    threshold_units INTEGER NOT NULL,
    -- open, kept, dropped
    status TEXT NOT NULL,
    UNIQUE (campaign_id, sku_id)
);
ALTER TABLE orders ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id);
CREATE INDEX orders_campaign ON orders(campaign_id, status);

-- What the store delivers to the pickup point: one per closed campaign,
-- quantities summed per SKU.
CREATE TABLE supply_orders (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL UNIQUE REFERENCES campaigns(id),
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX supply_orders_shop ON supply_orders(shop_id, id);

CREATE TABLE supply_order_lines (
    supply_order_id INTEGER NOT NULL REFERENCES supply_orders(id) ON DELETE CASCADE,
    sku_id INTEGER NOT NULL REFERENCES skus(id),
    title TEXT NOT NULL,
    options TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (supply_order_id, sku_id)
);

-- When an order reached the pickup point (for the uncollected flag).
ALTER TABLE orders ADD COLUMN ready_at INTEGER;
