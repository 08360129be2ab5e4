-- Flash deals: a quantity of one SKU, allocated from its stock when the deal
-- is created, sold at the deal price inside a window, capped per shopper.

CREATE TABLE flash_deals (
    id INTEGER PRIMARY KEY,
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    sku_id INTEGER NOT NULL REFERENCES skus(id),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    per_shopper_cap INTEGER NOT NULL CHECK (per_shopper_cap > 0),
    -- Units that orders hold, raised by the writer once per batch with a
    -- conditional UPDATE: the record refuses an oversell by itself, whatever
    -- the fast gate in front of it (memory or Redis) believes.
    held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0 AND held <= quantity),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    live_room_id INTEGER,
    -- active, then cancelled (by the merchant) or closed (after it ended and
    -- its unsold units went back to the SKU).
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX flash_deals_shop ON flash_deals(shop_id, id);
CREATE INDEX flash_deals_product ON flash_deals(product_id, status);
CREATE INDEX flash_deals_due ON flash_deals(status, ends_at);

-- The Idempotency-Key of the purchase that won the order, so that a
-- restarted engine still recognises a retry of it.
ALTER TABLE orders ADD COLUMN idem_key TEXT;

-- A deal purchase stores no copy of its answer: the order it created is
-- enough to give the first answer again (see store/src/deals.rs).
ALTER TABLE idempotency_keys ADD COLUMN order_id INTEGER;

-- Facts about this installation, such as the id that namespaces its Redis keys.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
ALTER TABLE orders ADD COLUMN deal_id INTEGER REFERENCES flash_deals(id);
CREATE INDEX orders_deal ON orders(deal_id, buyer_id);
