-- Asking a shop for a quote on goods sold by quote (a used tractor, a
-- machine). A lead is not an order: no sales figure counts it. It records
-- the content that produced it as attribution credits an order line.
CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    buyer_id INTEGER NOT NULL REFERENCES users(id),
    quantity INTEGER NOT NULL,
    province TEXT NOT NULL,
    city TEXT NOT NULL,
    budget_min_minor INTEGER,
    budget_max_minor INTEGER,
    currency TEXT NOT NULL,
    -- shown to the shop's staff and the buyer only
    contact TEXT NOT NULL,
    contact_time TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    touch_kind TEXT,
    touch_id INTEGER,
    creator_id INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One open lead per buyer per product: a second ask while one is open is refused.
CREATE UNIQUE INDEX leads_open ON leads(buyer_id, product_id) WHERE status IN ('new', 'contacted', 'quoted');
CREATE INDEX leads_shop ON leads(shop_id, id);
CREATE INDEX leads_buyer ON leads(buyer_id, id);

-- A staff member's note (the shop's staff see it) or a reply (the buyer sees it too).
CREATE TABLE lead_messages (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('note', 'reply')),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX lead_messages_lead ON lead_messages(lead_id, id);
