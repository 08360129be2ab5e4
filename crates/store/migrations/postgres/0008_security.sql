-- Browsers an account has signed in from: a Haul-issued cookie, kept as its
-- hash. A correct password from one of them is never held back by the
-- guessing limit, so an attacker cannot lock the owner out.
CREATE TABLE login_devices (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);

-- When a viewer (an account `u:<id>`, or a Haul-issued browser id `b:<id>`)
-- last counted a view, share or product click of a video: each counts once
-- per viewer per video per 24 hours, so figures cannot be inflated.
CREATE TABLE video_event_marks (
    video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    viewer TEXT NOT NULL,
    kind TEXT NOT NULL,
    counted_at BIGINT NOT NULL,
    PRIMARY KEY (video_id, viewer, kind)
);

-- A sponsorship is an agreement: the author and the shop each agree, and
-- only then is the note labelled (notes.sponsored_by_shop_id, for good).
CREATE TABLE note_sponsorships (
    note_id BIGINT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    shop_id BIGINT NOT NULL REFERENCES shops(id),
    author_agreed BIGINT NOT NULL DEFAULT 0,
    shop_agreed BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (note_id, shop_id)
);
CREATE INDEX note_sponsorships_shop ON note_sponsorships(shop_id);

-- What a store lets group leaders sell, and the lowest price a leader may
-- set. SKUs already in campaigns are offered at their current price, so no
-- leader can go below it until the store says otherwise.
CREATE TABLE leader_offers (
    sku_id BIGINT PRIMARY KEY REFERENCES skus(id) ON DELETE CASCADE,
    shop_id BIGINT NOT NULL REFERENCES shops(id),
    min_price_minor BIGINT NOT NULL CHECK (min_price_minor >= 0),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX leader_offers_shop ON leader_offers(shop_id);
INSERT INTO leader_offers (sku_id, shop_id, min_price_minor, created_at, updated_at)
SELECT k.id, p.shop_id, k.price_minor, 0, 0 FROM skus k JOIN products p ON p.id = k.product_id
WHERE k.id IN (SELECT sku_id FROM campaign_items);
