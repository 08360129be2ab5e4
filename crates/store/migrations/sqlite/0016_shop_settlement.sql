-- Shops are settled like creators: an order's money stays in the shop's
-- payable account until the order has been complete for the hold, then it
-- moves to the shop's available balance (`settled_at`), which the owner
-- pays out. A payout is a creator's, or a shop's when it names one.
ALTER TABLE orders ADD COLUMN completed_at INTEGER;
ALTER TABLE orders ADD COLUMN settled_at INTEGER;
CREATE INDEX orders_to_settle ON orders(settled_at, completed_at);
ALTER TABLE payouts ADD COLUMN shop_id INTEGER REFERENCES shops(id);
CREATE INDEX payouts_shop ON payouts(shop_id, id);
