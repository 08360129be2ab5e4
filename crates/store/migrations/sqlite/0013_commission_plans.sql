-- What a shop pays creators who sell its products. An open plan (no
-- creator) is for anyone; a targeted plan invites one creator, who accepts
-- or declines. A plan covers one product, or the whole shop when it names
-- none. A suspended shop's plans are paused.
CREATE TABLE commission_plans (
    id INTEGER PRIMARY KEY,
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    product_id INTEGER REFERENCES products(id) ON DELETE CASCADE,
    creator_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    flat_fee_minor INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX commission_plans_shop ON commission_plans(shop_id, id);
CREATE INDEX commission_plans_creator ON commission_plans(creator_id, status);

-- Every rate a plan has had, never changed: a cut reaches creators only
-- after its notice, so the history is what the rate at a moment is read from.
CREATE TABLE commission_rates (
    plan_id INTEGER NOT NULL REFERENCES commission_plans(id) ON DELETE CASCADE,
    rate_bps INTEGER NOT NULL CHECK (rate_bps BETWEEN 100 AND 8000),
    set_at INTEGER NOT NULL,
    PRIMARY KEY (plan_id, set_at)
);
