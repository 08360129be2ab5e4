-- Every window's edge exists from the start, so the rollups and the
-- worker's pass always have its row to lock (two first passes, or a first
-- pass and a rollup, could otherwise each miss the other's sales). An edge
-- at the largest integer means "never counted": the next pass counts the
-- window from the rollups.
INSERT INTO window_edges (window_name, since_ms) VALUES
    ('1h', 9223372036854775807),
    ('24h', 9223372036854775807),
    ('7d', 9223372036854775807),
    ('30d', 9223372036854775807)
ON CONFLICT (window_name) DO NOTHING;

