#!/bin/bash
# Reference solution: one transaction of SQL.
set -euo pipefail
sqlite3 -bail /app/shop.db <<'SQL'
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TEMP TABLE canon AS
  SELECT id, lower(trim(email, ' ' || char(9) || char(10) || char(13))) AS e FROM customers;
CREATE TEMP TABLE keeper AS SELECT e, min(id) AS kid FROM canon GROUP BY e;
CREATE TEMP TABLE remap AS SELECT c.id AS old, k.kid AS new FROM canon c JOIN keeper k USING (e);

DELETE FROM orders WHERE customer_id NOT IN (SELECT id FROM customers);
DELETE FROM order_items WHERE order_id NOT IN (SELECT id FROM orders);

UPDATE customers SET created_at = (
  SELECT min(c2.created_at) FROM customers c2 JOIN remap r ON r.old = c2.id WHERE r.new = customers.id
) WHERE id IN (SELECT kid FROM keeper);
UPDATE orders SET customer_id = (SELECT new FROM remap WHERE old = orders.customer_id);
DELETE FROM customers WHERE id NOT IN (SELECT kid FROM keeper);
UPDATE customers SET email = (SELECT e FROM canon WHERE canon.id = customers.id);

UPDATE orders SET total_cents = (
  SELECT coalesce(sum(qty * unit_price_cents), 0) FROM order_items WHERE order_id = orders.id
);
CREATE UNIQUE INDEX customers_email_unique ON customers(email);
COMMIT;
PRAGMA foreign_key_check;
PRAGMA integrity_check;
SQL
