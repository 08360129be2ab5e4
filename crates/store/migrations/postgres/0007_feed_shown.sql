-- What the feed has shown each viewer, one row per page (the video ids,
-- space-separated) instead of one per video: a busy feed writes tens of
-- thousands of impressions a second, and a row per video cost an insert
-- into the table, its primary key and two foreign-key lookups each.
CREATE TABLE feed_shown (
    viewer_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    shown_at BIGINT NOT NULL,
    video_ids TEXT NOT NULL
);
CREATE INDEX feed_shown_viewer ON feed_shown(viewer_id);

INSERT INTO feed_shown (viewer_id, shown_at, video_ids)
SELECT viewer_id, shown_at, CAST(video_id AS TEXT) FROM feed_seen;
DROP TABLE feed_seen;
