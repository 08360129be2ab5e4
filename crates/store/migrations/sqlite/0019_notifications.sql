-- What happened that a person should know: a reply or a comment on their
-- video, a new follower, a room they asked to be reminded of going live,
-- their order moving. `link` is the page it concerns.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    link TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT '',
    read_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

-- "Remind me" on a room that has not started: consumed when it goes live.
CREATE TABLE room_reminders (
    room_id INTEGER NOT NULL REFERENCES live_rooms(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
