-- Search respects masking (issue 15 item 3): ID numbers and phones move out of the text every
-- guard's query matches as a substring into their own column, `ident`, so that the query can
-- choose: a guard's matches them only in full or by the last 4 digits with a name, a
-- supervisor's also by fragment (audited). See src/search.rs.
--
-- FTS5 tables cannot gain a column: the index is dropped and made again, and emptied with
-- its entries; the one-time backfill (preference `search_index`, cleared here) rebuilds it
-- from the records at the next open, oldest first, in Rust (the text must be normalised
-- exactly as queries are, which SQL cannot do).
DROP TABLE search_text;
CREATE VIRTUAL TABLE search_text USING fts5(body, ident, tokenize = 'trigram');
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
DELETE FROM search_bigram;
DELETE FROM search_entry;
DELETE FROM preference WHERE key = 'search_index';
