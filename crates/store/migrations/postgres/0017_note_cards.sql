-- Notes about a product, newest first, for its page.
CREATE INDEX note_products_product ON note_products(product_id, note_id);
