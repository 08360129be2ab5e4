-- After-sales: a buyer's request about one line of a paid order. Its status
-- moves by domain::aftersales; `deadline_at` is when silence decides (the
-- deadline worker takes cases by it). At most one open case per line.
CREATE TABLE aftersales_cases (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    buyer_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    image_keys TEXT NOT NULL DEFAULT '[]',
    reply TEXT,
    return_carrier TEXT,
    return_tracking TEXT,
    replacement_carrier TEXT,
    replacement_tracking TEXT,
    deadline_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX aftersales_open_line ON aftersales_cases(order_line_id)
    WHERE status IN ('requested', 'awaiting_return', 'returning', 'rejected', 'escalated');
CREATE INDEX aftersales_due ON aftersales_cases(deadline_at) WHERE deadline_at IS NOT NULL;
CREATE INDEX aftersales_shop ON aftersales_cases(shop_id, id);
CREATE INDEX aftersales_buyer ON aftersales_cases(buyer_id, id);
CREATE INDEX aftersales_order ON aftersales_cases(order_id);

-- Each step of a case: who took it, from where to where, what they said.
CREATE TABLE aftersales_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES aftersales_cases(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX aftersales_events_case ON aftersales_events(case_id, id);

-- A refund made for one line counts for that line (its commission, its
-- case); one without a line is spread over the order.
ALTER TABLE refunds ADD COLUMN order_line_id INTEGER REFERENCES order_lines(id);
-- Units of a line given back to the SKU before the order left the running
-- (a refund of part of an unshipped order), so a later full release does
-- not give them twice.
ALTER TABLE order_lines ADD COLUMN restocked INTEGER NOT NULL DEFAULT 0;
