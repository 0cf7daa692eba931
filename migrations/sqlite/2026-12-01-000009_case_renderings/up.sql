-- Each case keeps its rendering (access::cases::render): the exact JSON another country
-- receives (with the shared history stamp), its ETag and withheld paths, and the list summaries
-- of both views, so reads and lists send stored text instead of redacting on every request.
-- Written with every case write and policy change; filled for existing cases at start-up.
ALTER TABLE cases ADD COLUMN foreign_view TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN foreign_etag TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN foreign_withheld TEXT NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN summary_own TEXT NOT NULL DEFAULT '{}';
ALTER TABLE cases ADD COLUMN summary_foreign TEXT NOT NULL DEFAULT '{}';
INSERT INTO derived_versions (key, value) VALUES ('case_views', '0');
