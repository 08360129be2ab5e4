-- Coupons: a shop's (anyone claims), a live room's (claimed while the room
-- is live), a follower's (followers of `creator_id`) and the platform's
-- (`shop_id` NULL: the platform pays the discount). `claimed` never passes
-- `total`: a claim raises it with `WHERE claimed < total`.
CREATE TABLE coupons (
    id INTEGER PRIMARY KEY,
    shop_id INTEGER REFERENCES shops(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    amount_off_minor INTEGER,
    percent_off_bps INTEGER,
    min_spend_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    product_id INTEGER REFERENCES products(id),
    room_id INTEGER REFERENCES live_rooms(id),
    creator_id INTEGER REFERENCES users(id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    total INTEGER NOT NULL,
    claimed INTEGER NOT NULL DEFAULT 0,
    per_person INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    CHECK (claimed >= 0 AND claimed <= total)
);
CREATE INDEX coupons_shop ON coupons(shop_id, ends_at);
CREATE INDEX coupons_room ON coupons(room_id);

-- A claimed coupon; `order_id` once an order uses it (cleared again if the
-- order is cancelled before payment).
CREATE TABLE coupon_claims (
    id INTEGER PRIMARY KEY,
    coupon_id INTEGER NOT NULL REFERENCES coupons(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    order_id INTEGER REFERENCES orders(id),
    claimed_at INTEGER NOT NULL
);
CREATE INDEX coupon_claims_holder ON coupon_claims(user_id, coupon_id);
CREATE INDEX coupon_claims_order ON coupon_claims(order_id);
