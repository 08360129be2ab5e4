-- A creator's shop window: products they promote, on their profile page.
CREATE TABLE showcase_items (
    creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (creator_id, product_id)
);
