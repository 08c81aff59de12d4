/**
 * What imports brought in: one row per imported object (kind + natural key: an external id, a
 * code, a balance reference), with the hash of the content it was imported with. A second import
 * of the same row finds it here and changes nothing; a row whose content changed since is refused
 * (so an opening balance is never credited twice).
 */
export const sql = /* sql */ `
CREATE TABLE import_records (
  kind         TEXT NOT NULL,
  key          TEXT NOT NULL,
  source       TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  target       TEXT,
  file         TEXT NOT NULL,
  line         INTEGER NOT NULL,
  imported_at  INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) STRICT;
`;
