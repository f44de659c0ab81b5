-- Gatehouse schema 15: revocation lists numbered by a counter per issuing key (no longer by
-- their entry count) and dated.
--
-- The counter is the last number this gate signed for each of its own keys. It is only one
-- of the floors the next number is taken from (see src/passes/revocation.rs): a restore of an
-- older backup rolls this table back, and the issue time and the numbers seen from other
-- gates keep the next list above every list sent before.
CREATE TABLE revocation_list_counter (
    issuer_key_id  INTEGER PRIMARY KEY,
    last_number    INTEGER NOT NULL,
    last_issued_at_ms INTEGER NOT NULL
) STRICT;

-- When the list last accepted from each issuing key was signed (NULL: an older list, from
-- before lists were dated).
ALTER TABLE revocation_list_seen ADD COLUMN issued_at_ms INTEGER;
