-- Vouchers for local shops (a haircut, a pot of tea): a product of kind
-- 'voucher' has terms; paying issues one voucher per unit, each with its
-- own code, redeemed once at the shop or settled at expiry.
ALTER TABLE shops ADD COLUMN address TEXT NOT NULL DEFAULT '';

CREATE TABLE voucher_terms (
    product_id INTEGER PRIMARY KEY REFERENCES products(id),
    -- what it buys, as the shop says it
    covers TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    opens_minute INTEGER NOT NULL,
    closes_minute INTEGER NOT NULL,
    per_person INTEGER NOT NULL,
    refund_unused INTEGER NOT NULL,
    utc_offset_minutes INTEGER NOT NULL
);

-- The terms an order's voucher line was bought under, copied at checkout:
-- a change of terms before payment does not change what was bought.
CREATE TABLE order_voucher_terms (
    order_line_id INTEGER PRIMARY KEY REFERENCES order_lines(id),
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    opens_minute INTEGER NOT NULL,
    closes_minute INTEGER NOT NULL,
    refund_unused INTEGER NOT NULL,
    utc_offset_minutes INTEGER NOT NULL
);

-- Each voucher keeps the terms it was sold under.
CREATE TABLE vouchers (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    buyer_id INTEGER NOT NULL REFERENCES users(id),
    -- what this one voucher was paid: its share of the line
    paid_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    opens_minute INTEGER NOT NULL,
    closes_minute INTEGER NOT NULL,
    refund_unused INTEGER NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    redeemed_at INTEGER,
    redeemed_by INTEGER REFERENCES users(id),
    -- when it was refunded or left expired
    settled_at INTEGER
);
CREATE INDEX vouchers_due ON vouchers(valid_until) WHERE status = 'issued';
CREATE INDEX vouchers_order ON vouchers(order_id);
CREATE INDEX vouchers_buyer ON vouchers(buyer_id, id);
CREATE INDEX vouchers_shop ON vouchers(shop_id, redeemed_at);
