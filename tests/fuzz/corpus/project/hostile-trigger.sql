PRAGMA application_id = 1129271385; PRAGMA user_version = 1;

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

CREATE TRIGGER slow AFTER UPDATE ON texts BEGIN SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c); END;
INSERT INTO products (id, sku, title, position) VALUES (1, 'A', 'T', 1);
COMMIT;
