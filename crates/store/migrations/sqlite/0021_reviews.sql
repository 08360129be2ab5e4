-- Verified reviews: one per order line, by its buyer, once the order
-- completed; one follow-up and one reply from the shop, never edited; an
-- operator's take-down hides one (`hidden_at`).
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    order_line_id INTEGER NOT NULL UNIQUE REFERENCES order_lines(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    shop_id INTEGER NOT NULL REFERENCES shops(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    image_keys TEXT NOT NULL DEFAULT '[]',
    pictures INTEGER NOT NULL DEFAULT 0,
    follow_up TEXT,
    follow_up_at INTEGER,
    reply TEXT,
    replied_at INTEGER,
    hidden_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX reviews_product ON reviews(product_id, pictures, id);
CREATE INDEX reviews_shop ON reviews(shop_id);
CREATE INDEX reviews_author ON reviews(author_id);
