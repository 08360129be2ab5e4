-- A shopper's address book. An order copies the address it ships to
-- (orders.ship_to), so editing or deleting an entry never changes an order.
CREATE TABLE addresses (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    phone TEXT NOT NULL,
    country TEXT NOT NULL,
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    district TEXT NOT NULL,
    street TEXT NOT NULL,
    postcode TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX addresses_user ON addresses(user_id, id);

-- How an order reaches its buyer. Orders written before this had a pickup
-- code each, so they read as collected orders.
ALTER TABLE orders ADD COLUMN fulfilment TEXT NOT NULL DEFAULT 'pickup';
ALTER TABLE orders ADD COLUMN shipping_minor INTEGER NOT NULL DEFAULT 0;
-- The address as it was when chosen, as JSON; NULL until the buyer picks one.
ALTER TABLE orders ADD COLUMN ship_to TEXT;
ALTER TABLE orders ADD COLUMN carrier TEXT;
ALTER TABLE orders ADD COLUMN tracking_no TEXT;
ALTER TABLE orders ADD COLUMN shipped_at INTEGER;
ALTER TABLE orders ADD COLUMN received_at INTEGER;

-- A shop's shipping fees: flat, free from a subtotal up, and per province;
-- and whether buyers may collect from the shop, and where.
ALTER TABLE shops ADD COLUMN ship_flat_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shops ADD COLUMN ship_free_above_minor INTEGER;
ALTER TABLE shops ADD COLUMN pickup_point TEXT;
CREATE TABLE shop_ship_regions (
    shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    province TEXT NOT NULL,
    fee_minor INTEGER NOT NULL,
    PRIMARY KEY (shop_id, province)
);
