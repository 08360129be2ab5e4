-- Comments on videos in threads one level deep: a reply points at the top
-- comment of its thread (`parent_id`) and names whom it answers
-- (`reply_to_id`); a top comment counts its replies. Likes on comments, and
-- the video author's pin (at most one pinned comment per video).
ALTER TABLE video_comments ADD COLUMN parent_id INTEGER REFERENCES video_comments(id);
ALTER TABLE video_comments ADD COLUMN reply_to_id INTEGER REFERENCES users(id);
ALTER TABLE video_comments ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;
ALTER TABLE video_comments ADD COLUMN likes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE video_comments ADD COLUMN pinned_at INTEGER;
CREATE INDEX video_comments_thread ON video_comments(parent_id, id);

CREATE TABLE video_comment_likes (
    comment_id INTEGER NOT NULL REFERENCES video_comments(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);
