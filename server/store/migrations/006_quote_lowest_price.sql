-- The lowest price a quote has offered, kept from its first price edit on (null: never edited,
-- so price_msat is it). On a task without a budget, an accept that names no expected price takes
-- a quote only at this price: a raise must be confirmed by the buyer (docs/hire.md).
ALTER TABLE hire_quotes ADD COLUMN lowest_price_msat bigint CHECK (lowest_price_msat > 0);
