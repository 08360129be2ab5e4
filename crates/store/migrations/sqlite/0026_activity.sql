-- What people did, per hour (docs/ANALYTICS.md): impressions, views, clicks,
-- shares, cart adds and orders placed, per video, note, product or shop.
-- Counted as it happens (in memory, added each worker pass, or in the
-- event's own transaction); unlike the sales rollups, this is the record.
CREATE TABLE activity_rollups (
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    metric TEXT NOT NULL,
    bucket_ms INTEGER NOT NULL,
    -- the shop a product or an order belongs to; 0 for content
    shop_id INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject_kind, subject_id, metric, bucket_ms)
);
CREATE INDEX activity_rollups_shop ON activity_rollups(shop_id, bucket_ms) WHERE shop_id <> 0;

-- Sales credited to a piece of content (a video, note, showcase, share link
-- or live room) by attribution or by its buy button, per hour of payment;
-- kept and rebuilt with the sales rollups.
CREATE TABLE content_sales (
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    currency TEXT NOT NULL,
    shop_id INTEGER NOT NULL,
    creator_id INTEGER NOT NULL,
    orders INTEGER NOT NULL DEFAULT 0,
    units INTEGER NOT NULL DEFAULT 0,
    gross_minor INTEGER NOT NULL DEFAULT 0,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject_kind, subject_id, bucket_ms, currency, shop_id)
);
CREATE INDEX content_sales_shop ON content_sales(shop_id, bucket_ms);
CREATE INDEX content_sales_creator ON content_sales(creator_id, bucket_ms);

-- A live room minute by minute: the most viewers at once (written by the
-- hub), and the orders paid from the room (kept with the sales rollups).
CREATE TABLE room_minutes (
    room_id INTEGER NOT NULL,
    minute_ms INTEGER NOT NULL,
    viewers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, minute_ms)
);
CREATE TABLE room_sales (
    room_id INTEGER NOT NULL,
    minute_ms INTEGER NOT NULL,
    currency TEXT NOT NULL,
    orders INTEGER NOT NULL DEFAULT 0,
    gross_minor INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, minute_ms, currency)
);

-- Viewers who liked, chatted, shared or bought, for the interaction rate.
ALTER TABLE live_viewers ADD COLUMN interacted INTEGER NOT NULL DEFAULT 0;

-- The best-sellers over each rolling window, kept up to date (docs/ANALYTICS.md):
-- each product's units and GMV (net of refunds) in the window's buckets from
-- its edge on. Sales are added as they are rolled up; each pass of the
-- worker moves the edge to now and takes off the buckets it left behind.
CREATE TABLE window_totals (
    window_name TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    currency TEXT NOT NULL,
    shop_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    units INTEGER NOT NULL,
    gmv_minor INTEGER NOT NULL,
    PRIMARY KEY (window_name, product_id, currency)
);
CREATE INDEX window_totals_units ON window_totals(window_name, units DESC, gmv_minor DESC, product_id);
CREATE INDEX window_totals_gmv ON window_totals(window_name, gmv_minor DESC, units DESC, product_id);
CREATE INDEX window_totals_category ON window_totals(window_name, category_id, units DESC, gmv_minor DESC);
CREATE INDEX window_totals_shop ON window_totals(window_name, shop_id, units DESC, gmv_minor DESC);

-- The first bucket each window counts.
CREATE TABLE window_edges (
    window_name TEXT PRIMARY KEY,
    since_ms INTEGER NOT NULL
);

-- The platform's figures sum every shop's hours.
CREATE INDEX shop_rollups_hours ON shop_rollups(grain, bucket_ms);

-- A refund's order: the rollup reads an order's refunds, as do its pages.
CREATE INDEX refunds_order ON refunds(order_id);
