/**
 * Migration 11 (recordings): when each stored recording was last compared with
 * the PBX (size from GET /file's Content-Length, and `remote_etag` for a
 * Last-Modified/ETag when the server sends one), so a file changed under the
 * same name is fetched and analysed again.
 */
export const migration011 = {
  version: 11,
  name: 'recordings-change-check',
  sql: `
ALTER TABLE recordings ADD COLUMN checked_at INTEGER;
UPDATE recordings SET remote_size = size_bytes WHERE file_path IS NOT NULL AND remote_size IS NULL;
CREATE INDEX recordings_checked ON recordings(checked_at);
`,
};
