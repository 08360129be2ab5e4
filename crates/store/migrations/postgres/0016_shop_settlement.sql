-- Shops are settled like creators: an order's money stays in the shop's
-- payable account until the order has been complete for the hold, then it
-- moves to the shop's available balance (`settled_at`), which the owner
-- pays out. A payout is a creator's, or a shop's when it names one.
ALTER TABLE orders ADD COLUMN completed_at BIGINT;
ALTER TABLE orders ADD COLUMN settled_at BIGINT;
CREATE INDEX orders_to_settle ON orders(settled_at, completed_at);
ALTER TABLE payouts ADD COLUMN shop_id BIGINT REFERENCES shops(id);
CREATE INDEX payouts_shop ON payouts(shop_id, id);

-- A targeted creator's flat fee for a video with the plan's product,
-- paid once per plan and video when the video is posted.
CREATE TABLE flat_fees (
    plan_id BIGINT NOT NULL REFERENCES commission_plans(id) ON DELETE CASCADE,
    video_id BIGINT NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
    shop_id BIGINT NOT NULL REFERENCES shops(id),
    creator_id BIGINT NOT NULL REFERENCES users(id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (plan_id, video_id)
);
CREATE INDEX flat_fees_creator ON flat_fees(creator_id);
