-- Short videos with product anchors, engagement, follows, and what each
-- viewer has been shown (the feed never repeats).

CREATE TABLE follows (
    follower_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    creator_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (follower_id, creator_id)
);
CREATE INDEX follows_creator ON follows(creator_id);

CREATE TABLE videos (
    id INTEGER PRIMARY KEY,
    creator_id INTEGER NOT NULL REFERENCES users(id),
    caption TEXT NOT NULL,
    -- space-separated, lowercased
    hashtags TEXT NOT NULL,
    category_id INTEGER REFERENCES categories(id),
    media_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    poster_key TEXT,
    -- 0 to 1000; and the signals that fired, comma-separated
    hard_sell_milli INTEGER NOT NULL,
    hard_sell_signals TEXT NOT NULL,
    -- published or removed (by the creator or a moderator)
    status TEXT NOT NULL,
    -- Engagement counters, raised as it happens.
    impressions INTEGER NOT NULL DEFAULT 0,
    views INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0,
    watch_ms INTEGER NOT NULL DEFAULT 0,
    likes INTEGER NOT NULL DEFAULT 0,
    comments INTEGER NOT NULL DEFAULT 0,
    shares INTEGER NOT NULL DEFAULT 0,
    saves INTEGER NOT NULL DEFAULT 0,
    product_clicks INTEGER NOT NULL DEFAULT 0,
    purchases INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX videos_creator ON videos(creator_id, id);
CREATE INDEX videos_status ON videos(status, id);

CREATE TABLE video_anchors (
    id INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    sku_id INTEGER REFERENCES skus(id),
    -- when in the video the card shows; NULL for all along
    at_ms INTEGER
);
CREATE INDEX video_anchors_video ON video_anchors(video_id);

-- One row per viewer per video for likes and saves (a toggle).
CREATE TABLE video_reactions (
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- like or save
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (video_id, user_id, kind)
);
CREATE INDEX video_reactions_user ON video_reactions(user_id, created_at);

CREATE TABLE video_comments (
    id INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX video_comments_video ON video_comments(video_id, id);
CREATE INDEX video_comments_user ON video_comments(user_id, created_at);

-- Everything a viewer did with a video, for their profile: view (with watch
-- time), share, product_click, purchase.
CREATE TABLE video_events (
    id INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    watch_ms INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX video_events_user ON video_events(user_id, id);

-- What the feed has shown each viewer, so it never shows it again.
CREATE TABLE feed_seen (
    viewer_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    shown_at INTEGER NOT NULL,
    PRIMARY KEY (viewer_id, video_id)
);

-- Moderation strikes against a creator, for creator health.
CREATE TABLE creator_violations (
    id INTEGER PRIMARY KEY,
    creator_id INTEGER NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX creator_violations_creator ON creator_violations(creator_id, created_at);

-- The order line's video, for attribution (and the video's purchase count).
ALTER TABLE orders ADD COLUMN video_id INTEGER REFERENCES videos(id);
