-- Gatehouse schema 16: a visit says whether its ID number was read from the card on the
-- desk's reader or typed (issue 18).
--
-- `id_card_read_at_ms`: when the reader read the card whose number the visit carries; NULL
-- when the number was typed (and in every row written before this schema, when every number
-- was typed). `id_card_valid_until`: the card's end of validity as the chip holds it
-- (YYYY-MM-DD, or `long_term` for 长期); with a check-in after it, the guard saw the
-- expired-card warning and confirmed. Both are in the visit's audit snapshot: a typed number
-- cannot later be passed off as read from a card.

ALTER TABLE visit ADD COLUMN id_card_read_at_ms INTEGER;
ALTER TABLE visit ADD COLUMN id_card_valid_until TEXT;
