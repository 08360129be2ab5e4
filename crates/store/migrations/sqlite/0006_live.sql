-- Live rooms: a host (a creator, or a shop's staff for the shop) schedules a
-- room; the media server's callbacks flip it live and ended with the room's
-- secret stream key. Counters are raised by the hub once a second; unique
-- viewers are one row each.

CREATE TABLE live_rooms (
    id INTEGER PRIMARY KEY,
    host_id INTEGER NOT NULL REFERENCES users(id),
    -- set when the room sells as a shop (its staff may run it)
    shop_id INTEGER REFERENCES shops(id),
    title TEXT NOT NULL,
    cover_key TEXT,
    starts_at INTEGER NOT NULL,
    stream_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'live', 'ended')),
    went_live_at INTEGER,
    ended_at INTEGER,
    pinned_product_id INTEGER REFERENCES products(id),
    -- a replay playlist exists
    has_replay INTEGER NOT NULL DEFAULT 0,
    peak_viewers INTEGER NOT NULL DEFAULT 0,
    viewer_ms INTEGER NOT NULL DEFAULT 0,
    comments INTEGER NOT NULL DEFAULT 0,
    likes INTEGER NOT NULL DEFAULT 0,
    shares INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX live_rooms_status ON live_rooms(status, starts_at);
CREATE INDEX live_rooms_host ON live_rooms(host_id, id);

-- The product bag, in the host's order.
CREATE TABLE live_room_products (
    room_id INTEGER NOT NULL REFERENCES live_rooms(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (room_id, product_id)
);

-- One row per viewer who ever joined: a user id, or an anonymous browser's id.
CREATE TABLE live_viewers (
    room_id INTEGER NOT NULL REFERENCES live_rooms(id) ON DELETE CASCADE,
    viewer TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (room_id, viewer)
);

CREATE TABLE live_moderators (
    room_id INTEGER NOT NULL REFERENCES live_rooms(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (room_id, user_id)
);

-- kind 'mute' until a time, or 'ban' (until is NULL: for the room's life).
CREATE TABLE live_sanctions (
    room_id INTEGER NOT NULL REFERENCES live_rooms(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('mute', 'ban')),
    until_ms INTEGER,
    by_user_id INTEGER NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id, kind)
);

-- An order placed from a room records the room and its host (commission later).
ALTER TABLE orders ADD COLUMN room_id INTEGER REFERENCES live_rooms(id);
ALTER TABLE orders ADD COLUMN host_id INTEGER REFERENCES users(id);
CREATE INDEX orders_room ON orders(room_id) WHERE room_id IS NOT NULL;
