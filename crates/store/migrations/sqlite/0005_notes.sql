-- Notes (Xiaohongshu): a title, text, up to 9 images, product tags and the
-- author's own rating of what they bought. The labels "sponsored" and
-- "commission link" come from the same rows that record the money, so an
-- author cannot have one without the other.

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- 1 to 5 for the rated product; NULL when the note rates nothing
    rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rated_product_id INTEGER REFERENCES products(id),
    -- set by the paying merchant (or declared by the author); never cleared
    sponsored_by_shop_id INTEGER REFERENCES shops(id),
    likes INTEGER NOT NULL DEFAULT 0,
    comments INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notes_author ON notes(author_id, id);

CREATE TABLE note_images (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    media_key TEXT NOT NULL,
    PRIMARY KEY (note_id, position)
);

-- A tagged product; `commission` = 1 when the tag earns the author a
-- commission (and so shows the "commission link" label).
CREATE TABLE note_products (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    commission INTEGER NOT NULL,
    PRIMARY KEY (note_id, product_id)
);

CREATE TABLE note_likes (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (note_id, user_id)
);

CREATE TABLE note_comments (
    id INTEGER PRIMARY KEY,
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX note_comments_note ON note_comments(note_id, id);
