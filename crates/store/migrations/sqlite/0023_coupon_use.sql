-- Coupons used at checkout: each line keeps its share of the discount (the
-- shopper paid unit price × quantity less it), and the order the total of
-- its shop-funded discount.
ALTER TABLE order_lines ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;
