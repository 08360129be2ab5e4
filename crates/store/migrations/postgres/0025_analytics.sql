-- Sales rollups (docs/ANALYTICS.md): sums per bucket, kept by the
-- analytics worker from paid orders and refunds (each rolled up once,
-- marked by rolled_at), rebuilt from the record by `haul analytics rebuild`.
ALTER TABLE orders ADD COLUMN rolled_at BIGINT;
ALTER TABLE refunds ADD COLUMN rolled_at BIGINT;
CREATE INDEX orders_to_roll ON orders(id) WHERE rolled_at IS NULL AND paid_at IS NOT NULL;
CREATE INDEX refunds_to_roll ON refunds(order_id) WHERE rolled_at IS NULL;

-- Per product and channel: what its lines sold, by the bucket of their
-- order's payment; refunds taken off in that same bucket.
CREATE TABLE sales_rollups (
    grain TEXT NOT NULL,
    bucket_ms BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    currency TEXT NOT NULL,
    shop_id BIGINT NOT NULL,
    category_id BIGINT NOT NULL,
    units BIGINT NOT NULL DEFAULT 0,
    gross_minor BIGINT NOT NULL DEFAULT 0,
    units_back BIGINT NOT NULL DEFAULT 0,
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, bucket_ms, product_id, channel, currency)
);
CREATE INDEX sales_rollups_shop ON sales_rollups(shop_id, grain, bucket_ms);
CREATE INDEX sales_rollups_category ON sales_rollups(category_id, grain, bucket_ms);

-- Per shop: orders and their totals (shipping included) by payment bucket,
-- with what was refunded of them; refunds also counted when they happened.
CREATE TABLE shop_rollups (
    grain TEXT NOT NULL,
    bucket_ms BIGINT NOT NULL,
    shop_id BIGINT NOT NULL,
    currency TEXT NOT NULL,
    orders BIGINT NOT NULL DEFAULT 0,
    gross_minor BIGINT NOT NULL DEFAULT 0,
    refunded_minor BIGINT NOT NULL DEFAULT 0,
    refunds BIGINT NOT NULL DEFAULT 0,
    refunds_minor BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_id, grain, bucket_ms, currency)
);

-- Who bought from a shop in each hour: distinct buyers over any span of hours, exactly.
CREATE TABLE shop_buyers (
    shop_id BIGINT NOT NULL,
    bucket_ms BIGINT NOT NULL,
    buyer_id BIGINT NOT NULL,
    PRIMARY KEY (shop_id, bucket_ms, buyer_id)
);
