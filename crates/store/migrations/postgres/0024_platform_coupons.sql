-- A platform coupon used at checkout: the part of the order's discount the
-- platform pays the shop (orders.discount_minor is the whole discount, as
-- the lines' shares sum to it).
ALTER TABLE orders ADD COLUMN platform_discount_minor BIGINT NOT NULL DEFAULT 0;
