-- Gatehouse schema 9: a supervisor can distrust (停用) a pass-signing key, own or imported,
-- when its secret may have leaked: every pass it signed is refused from then on.
-- Distrust is permanent; a distrusted key never signs again.

ALTER TABLE pass_key ADD COLUMN distrusted_at_ms INTEGER;
ALTER TABLE pass_key ADD COLUMN distrusted_by INTEGER REFERENCES guard(id);
ALTER TABLE pass_key ADD COLUMN distrust_reason TEXT;

CREATE TRIGGER pass_key_distrust_is_permanent BEFORE UPDATE OF distrusted_at_ms, distrusted_by, distrust_reason ON pass_key
WHEN OLD.distrusted_at_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a distrusted pass key stays distrusted'); END;

CREATE TRIGGER pass_key_distrusted_never_signs BEFORE UPDATE OF current ON pass_key
WHEN NEW.current = 1 AND NEW.distrusted_at_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a distrusted pass key cannot sign'); END;
