-- A shopper's tap on a creator's content on the way to a product: a video
-- card, a note tag, a showcase item or a share link. The latest tap per
-- thing touched is kept; the order path reads them to credit a sale.
CREATE TABLE touches (
    buyer_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    PRIMARY KEY (buyer_id, product_id, kind, subject_id)
);
CREATE INDEX touches_at ON touches(at);

-- A creator's link to a product; each visit counts a click.
CREATE TABLE share_links (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    clicks INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (creator_id, product_id)
);

-- What sold each line: the touch credited, its creator and the rate then.
ALTER TABLE order_lines ADD COLUMN touch_kind TEXT;
ALTER TABLE order_lines ADD COLUMN touch_id INTEGER;
ALTER TABLE order_lines ADD COLUMN creator_id INTEGER;
ALTER TABLE order_lines ADD COLUMN commission_bps INTEGER;

-- A line's commission, made when its order is paid. Amounts: `base` is
-- what the shopper paid for the goods, `amount` the commission on it, `fee`
-- the platform's part of that; the `*_reversed` and `refunded` columns
-- grow with refunds. Pending until `completed_at` plus the hold.
CREATE TABLE commissions (
    id INTEGER PRIMARY KEY,
    order_line_id INTEGER NOT NULL UNIQUE REFERENCES order_lines(id) ON DELETE CASCADE,
    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    creator_id INTEGER NOT NULL REFERENCES users(id),
    touch_kind TEXT NOT NULL,
    touch_id INTEGER NOT NULL,
    currency TEXT NOT NULL,
    base_minor INTEGER NOT NULL,
    rate_bps INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    fee_minor INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    reversed_minor INTEGER NOT NULL DEFAULT 0,
    fee_reversed_minor INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    completed_at INTEGER,
    available_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX commissions_creator ON commissions(creator_id, id);
CREATE INDEX commissions_order ON commissions(order_id);
CREATE INDEX commissions_due ON commissions(status, completed_at);

-- A creator's request to be paid their available commission, sent through
-- a payout provider, which answers later; a failed attempt is retried.
CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    creator_id INTEGER NOT NULL REFERENCES users(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    failure TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX payouts_creator ON payouts(creator_id, id);
CREATE INDEX payouts_due ON payouts(status, next_attempt_at);
