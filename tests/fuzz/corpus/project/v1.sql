-- A project as Copyist schema version 1 wrote it (the first released
-- format), used by test-project's /app/project/open/migration-v1: the test
-- builds a database from this script and opens it with the current code.
-- Never change this file; add project-v2.sql etc. for later formats.
PRAGMA application_id = 1129271385; -- 0x434f5059, "COPY"
PRAGMA user_version = 1;
BEGIN;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE products (  id INTEGER PRIMARY KEY AUTOINCREMENT,  sku TEXT, title TEXT, category TEXT, language TEXT,  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'generated', 'edited', 'approved')),  source_format TEXT,  source_headers TEXT,  source_rows TEXT,  description_html TEXT,  position INTEGER NOT NULL,  created INTEGER, modified INTEGER);
CREATE INDEX products_sku ON products (sku);
CREATE INDEX products_position ON products (position);
CREATE INDEX products_title ON products (title COLLATE NOCASE, position);
CREATE INDEX products_status ON products (status, position);
CREATE TABLE attributes (  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,  position INTEGER NOT NULL, key TEXT NOT NULL, value TEXT,  PRIMARY KEY (product_id, position)) WITHOUT ROWID;
CREATE TABLE models (  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, kind TEXT NOT NULL, field TEXT NOT NULL,  language TEXT, created INTEGER, size INTEGER, checkpoint BLOB, summary TEXT);
CREATE TABLE variants (  id INTEGER PRIMARY KEY AUTOINCREMENT,  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,  field TEXT NOT NULL, text TEXT NOT NULL, origin TEXT NOT NULL,  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL, created INTEGER);
CREATE INDEX variants_product ON variants (product_id, field);
CREATE INDEX variants_model ON variants (model_id) WHERE model_id IS NOT NULL;
CREATE TABLE texts (  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,  field TEXT NOT NULL, text TEXT,  origin TEXT NOT NULL DEFAULT 'none',  current_variant INTEGER,  locked INTEGER NOT NULL DEFAULT 0, approved INTEGER NOT NULL DEFAULT 0,  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL, modified INTEGER,  PRIMARY KEY (product_id, field)) WITHOUT ROWID;
CREATE INDEX texts_model ON texts (model_id) WHERE model_id IS NOT NULL;
CREATE TABLE runs (  id INTEGER PRIMARY KEY AUTOINCREMENT,  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL,  kind TEXT, field TEXT, started INTEGER, finished INTEGER, status TEXT, curve TEXT, summary TEXT);
CREATE INDEX runs_model ON runs (model_id) WHERE model_id IS NOT NULL;
CREATE TABLE history (  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, label TEXT, merge_key TEXT,  created INTEGER, undone INTEGER NOT NULL DEFAULT 0);
CREATE INDEX history_undone ON history (undone, id);
CREATE TABLE history_items (  history_id INTEGER NOT NULL REFERENCES history (id) ON DELETE CASCADE,  product_id INTEGER NOT NULL,  before BLOB,  after BLOB,  PRIMARY KEY (history_id, product_id)) WITHOUT ROWID;

INSERT INTO products (id, sku, title, category, language, status, source_format, source_headers, source_rows, position, created, modified)
  VALUES (1, 'L-1', 'Linen shirt', 'Shirts', 'en', 'new', 'csv', '["SKU","Name","Colour"]', '[["L-1","Linen shirt","white"]]', 1, 1700000000, 1700000000),
         (2, 'W-2', '羊毛围巾', '配饰', 'zh', 'new', 'csv', '["SKU","Name","Colour"]', '[["W-2","羊毛围巾","灰色"]]', 2, 1700000000, 1700000000),
         (3, 'L-3', 'Linen trousers', 'Trousers', 'en', 'new', 'csv', '["SKU","Name","Colour"]', '[["L-3","Linen trousers","sand"]]', 3, 1700000000, 1700000000);
INSERT INTO attributes (product_id, position, key, value)
  VALUES (1, 0, 'color', 'white'), (2, 0, 'color', '灰色'), (3, 0, 'color', 'sand');
INSERT INTO variants (id, product_id, field, text, origin, model_id, created)
  VALUES (1, 2, 'description', '柔软的羊毛围巾，灰色。', 'imported', NULL, 1700000000);
INSERT INTO texts (product_id, field, text, origin, current_variant, locked, approved, model_id, modified)
  VALUES (2, 'description', '柔软的羊毛围巾，灰色。', 'imported', 1, 0, 0, NULL, 1700000000);
INSERT INTO history (id, kind, label, merge_key, created, undone) VALUES (1, 'import', 'Import 3 products', NULL, 1700000000, 0);
INSERT INTO history_items (history_id, product_id, before, after) VALUES (1, 1, NULL, NULL), (1, 2, NULL, NULL), (1, 3, NULL, NULL);
COMMIT;
