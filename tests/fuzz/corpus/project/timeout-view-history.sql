PRAGMA application_id = 1129271385;
PRAGMA user_version = 2;
BEGIN TRANSACTION;
CREATE TABLE attributes (  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,  position INTEGER NOT NULL, key TEXT NOT NULL, value TEXT,  PRIMARY KEY (product_id, position)) WITHOUT ROWID;
INSERT INTO "attributes" VALUES(1,0,'brand','Northwind');
INSERT INTO "attributes" VALUES(1,1,'color','White');
INSERT INTO "attributes" VALUES(1,2,'material','Linen');
INSERT INTO "attributes" VALUES(1,3,'size','M');
INSERT INTO "attributes" VALUES(1,4,'price','39.90');
INSERT INTO "attributes" VALUES(2,0,'brand','Harbor & Co');
INSERT INTO "attributes" VALUES(2,1,'color','Navy');
INSERT INTO "attributes" VALUES(2,2,'material','Cotton canvas');
INSERT INTO "attributes" VALUES(2,3,'size','One size');
INSERT INTO "attributes" VALUES(2,4,'price','24.00');
INSERT INTO "attributes" VALUES(3,0,'brand','Kiln Lane');
INSERT INTO "attributes" VALUES(3,1,'color','Matte black');
INSERT INTO "attributes" VALUES(3,2,'material','Ceramic');
INSERT INTO "attributes" VALUES(3,3,'size','600 ml');
INSERT INTO "attributes" VALUES(3,4,'price','45.50');
INSERT INTO "attributes" VALUES(4,0,'brand','棉语');
INSERT INTO "attributes" VALUES(4,1,'color','米白');
INSERT INTO "attributes" VALUES(4,2,'material','纯棉');
INSERT INTO "attributes" VALUES(4,3,'size','1.8米床');
INSERT INTO "attributes" VALUES(4,4,'price','299.00');
INSERT INTO "attributes" VALUES(5,0,'brand','小鹿');
INSERT INTO "attributes" VALUES(5,1,'color','粉色');
INSERT INTO "attributes" VALUES(5,2,'material','不锈钢');
INSERT INTO "attributes" VALUES(5,3,'size','350 ml');
INSERT INTO "attributes" VALUES(5,4,'price','89.00');
INSERT INTO "attributes" VALUES(6,0,'brand','Ridgeline');
INSERT INTO "attributes" VALUES(6,1,'color','Orange');
INSERT INTO "attributes" VALUES(6,2,'material','Mesh');
INSERT INTO "attributes" VALUES(6,3,'size','42');
INSERT INTO "attributes" VALUES(6,4,'price','119.00');
INSERT INTO "attributes" VALUES(7,0,'brand','Fjell');
INSERT INTO "attributes" VALUES(7,1,'color','Grey');
INSERT INTO "attributes" VALUES(7,2,'material','Merino wool');
INSERT INTO "attributes" VALUES(7,3,'size','One size');
INSERT INTO "attributes" VALUES(7,4,'price','19.00');
INSERT INTO "attributes" VALUES(8,0,'brand','Harbor & Co');
INSERT INTO "attributes" VALUES(8,1,'color','Tan');
INSERT INTO "attributes" VALUES(8,2,'material','Leather');
INSERT INTO "attributes" VALUES(8,3,'size','Slim');
INSERT INTO "attributes" VALUES(8,4,'price','29.00');
INSERT INTO "attributes" VALUES(9,0,'brand','Kiln Lane');
INSERT INTO "attributes" VALUES(9,1,'color','Natural');
INSERT INTO "attributes" VALUES(9,2,'material','Bamboo');
INSERT INTO "attributes" VALUES(9,3,'size','Large');
INSERT INTO "attributes" VALUES(9,4,'price','34.00');
INSERT INTO "attributes" VALUES(10,0,'brand','Northwind');
INSERT INTO "attributes" VALUES(10,1,'color','Black');
INSERT INTO "attributes" VALUES(10,2,'material','Cotton');
INSERT INTO "attributes" VALUES(10,3,'size','L');
INSERT INTO "attributes" VALUES(10,4,'price','9.50');
INSERT INTO "attributes" VALUES(11,0,'brand','Ridgeline');
INSERT INTO "attributes" VALUES(11,1,'color','Green');
INSERT INTO "attributes" VALUES(11,2,'material','Stainless steel');
INSERT INTO "attributes" VALUES(11,3,'size','750 ml');
INSERT INTO "attributes" VALUES(11,4,'price','27.00');
INSERT INTO "attributes" VALUES(12,0,'brand','Moonbay');
INSERT INTO "attributes" VALUES(12,1,'color','Champagne');
INSERT INTO "attributes" VALUES(12,2,'material','Silk');
INSERT INTO "attributes" VALUES(12,3,'size','Standard');
INSERT INTO "attributes" VALUES(12,4,'price','49.00');
INSERT INTO "attributes" VALUES(13,0,'brand','Ridgeline');
INSERT INTO "attributes" VALUES(13,1,'color','White');
INSERT INTO "attributes" VALUES(13,2,'material','Canvas');
INSERT INTO "attributes" VALUES(13,3,'size','40');
INSERT INTO "attributes" VALUES(13,4,'price','59.00');
INSERT INTO "attributes" VALUES(14,0,'brand','Kiln Lane');
INSERT INTO "attributes" VALUES(14,1,'color','Clear');
INSERT INTO "attributes" VALUES(14,2,'material','Glass');
INSERT INTO "attributes" VALUES(14,3,'size','1 l');
INSERT INTO "attributes" VALUES(14,4,'price','22.00');
INSERT INTO "attributes" VALUES(15,0,'brand','Northwind');
INSERT INTO "attributes" VALUES(15,1,'color','Indigo');
INSERT INTO "attributes" VALUES(15,2,'material','Denim');
INSERT INTO "attributes" VALUES(15,3,'size','M');
INSERT INTO "attributes" VALUES(15,4,'price','89.00');
INSERT INTO "attributes" VALUES(16,0,'brand','Fjell');
INSERT INTO "attributes" VALUES(16,1,'color','Purple');
INSERT INTO "attributes" VALUES(16,2,'material','Natural rubber');
INSERT INTO "attributes" VALUES(16,3,'size','183 cm');
INSERT INTO "attributes" VALUES(16,4,'price','45.00');
INSERT INTO "attributes" VALUES(17,0,'brand','Moonbay');
INSERT INTO "attributes" VALUES(17,1,'color','Sage');
INSERT INTO "attributes" VALUES(17,2,'material','Linen');
INSERT INTO "attributes" VALUES(17,3,'size','45 cm');
INSERT INTO "attributes" VALUES(17,4,'price','18.00');
INSERT INTO "attributes" VALUES(18,0,'brand','Harbor & Co');
INSERT INTO "attributes" VALUES(18,1,'color','Red');
INSERT INTO "attributes" VALUES(18,2,'material','Nylon');
INSERT INTO "attributes" VALUES(18,3,'size','22 l');
INSERT INTO "attributes" VALUES(18,4,'price','64.00');
INSERT INTO "attributes" VALUES(19,0,'brand','Kiln Lane');
INSERT INTO "attributes" VALUES(19,1,'color','Light oak');
INSERT INTO "attributes" VALUES(19,2,'material','Oak');
INSERT INTO "attributes" VALUES(19,3,'size','A4');
INSERT INTO "attributes" VALUES(19,4,'price','39.00');
INSERT INTO "attributes" VALUES(20,0,'brand','Moonbay');
INSERT INTO "attributes" VALUES(20,1,'color','Cream');
INSERT INTO "attributes" VALUES(20,2,'material','Fleece');
INSERT INTO "attributes" VALUES(20,3,'size','150 x 200 cm');
INSERT INTO "attributes" VALUES(20,4,'price','35.00');
INSERT INTO "attributes" VALUES(21,0,'brand','Ridgeline');
INSERT INTO "attributes" VALUES(21,1,'color','Blue');
INSERT INTO "attributes" VALUES(21,2,'material','Polyester');
INSERT INTO "attributes" VALUES(21,3,'size','One size');
INSERT INTO "attributes" VALUES(21,4,'price','21.00');
INSERT INTO "attributes" VALUES(22,0,'brand','Kiln Lane');
INSERT INTO "attributes" VALUES(22,1,'color','Black');
INSERT INTO "attributes" VALUES(22,2,'material','Cast iron');
INSERT INTO "attributes" VALUES(22,3,'size','26 cm');
INSERT INTO "attributes" VALUES(22,4,'price','55.00');
INSERT INTO "attributes" VALUES(23,0,'brand','Fjell');
INSERT INTO "attributes" VALUES(23,1,'color','Mustard');
INSERT INTO "attributes" VALUES(23,2,'material','Cotton');
INSERT INTO "attributes" VALUES(23,3,'size','S');
INSERT INTO "attributes" VALUES(23,4,'price','69.00');
INSERT INTO "attributes" VALUES(24,0,'brand','Northwind');
INSERT INTO "attributes" VALUES(24,1,'color','Brown');
INSERT INTO "attributes" VALUES(24,2,'material','Suede');
INSERT INTO "attributes" VALUES(24,3,'size','43');
INSERT INTO "attributes" VALUES(24,4,'price','99.00');
CREATE VIEW history AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS id, 'import' AS kind, 'l' AS label, NULL AS merge_key, 0 AS created, 0 AS undone FROM c;

CREATE TABLE history_items (  history_id INTEGER NOT NULL REFERENCES history (id) ON DELETE CASCADE,  product_id INTEGER NOT NULL,  before BLOB,  after BLOB,  PRIMARY KEY (history_id, product_id)) WITHOUT ROWID;
INSERT INTO "history_items" VALUES(1,1,NULL,NULL);
INSERT INTO "history_items" VALUES(1,2,NULL,NULL);
INSERT INTO "history_items" VALUES(1,3,NULL,NULL);
INSERT INTO "history_items" VALUES(1,4,NULL,NULL);
INSERT INTO "history_items" VALUES(1,5,NULL,NULL);
INSERT INTO "history_items" VALUES(1,6,NULL,NULL);
INSERT INTO "history_items" VALUES(1,7,NULL,NULL);
INSERT INTO "history_items" VALUES(1,8,NULL,NULL);
INSERT INTO "history_items" VALUES(1,9,NULL,NULL);
INSERT INTO "history_items" VALUES(1,10,NULL,NULL);
INSERT INTO "history_items" VALUES(1,11,NULL,NULL);
INSERT INTO "history_items" VALUES(1,12,NULL,NULL);
INSERT INTO "history_items" VALUES(1,13,NULL,NULL);
INSERT INTO "history_items" VALUES(1,14,NULL,NULL);
INSERT INTO "history_items" VALUES(1,15,NULL,NULL);
INSERT INTO "history_items" VALUES(1,16,NULL,NULL);
INSERT INTO "history_items" VALUES(1,17,NULL,NULL);
INSERT INTO "history_items" VALUES(1,18,NULL,NULL);
INSERT INTO "history_items" VALUES(1,19,NULL,NULL);
INSERT INTO "history_items" VALUES(1,20,NULL,NULL);
INSERT INTO "history_items" VALUES(1,21,NULL,NULL);
INSERT INTO "history_items" VALUES(1,22,NULL,NULL);
INSERT INTO "history_items" VALUES(1,23,NULL,NULL);
INSERT INTO "history_items" VALUES(1,24,NULL,NULL);
CREATE TABLE mapping (  source_format TEXT NOT NULL, signature TEXT NOT NULL, mapping TEXT NOT NULL, saved INTEGER,  PRIMARY KEY (source_format, signature));
INSERT INTO "mapping" VALUES('csv','SKUTitleCategoryBrandColourMaterialSizePriceDescriptionAd headlineAd copy','{"version":1,"keep_unknown":true,"columns":[{"column":"SKU","field":"sku"},{"column":"Title","field":"title"},{"column":"Category","field":"category"},{"column":"Brand","field":"brand"},{"column":"Colour","field":"color"},{"column":"Material","field":"material"},{"column":"Size","field":"size"},{"column":"Price","field":"price"},{"column":"Description","field":"description"},{"column":"Ad headline","field":"adcopy_headline"},{"column":"Ad copy","field":"adcopy_body"}]}',1795870438);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE models (  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, kind TEXT NOT NULL, field TEXT NOT NULL,  language TEXT, created INTEGER, size INTEGER, checkpoint BLOB, summary TEXT);
CREATE TABLE products (  id INTEGER PRIMARY KEY AUTOINCREMENT,  sku TEXT, title TEXT, category TEXT, language TEXT,  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'generated', 'edited', 'approved')),  source_format TEXT,  source_headers TEXT,  source_rows TEXT,  description_html TEXT,  position INTEGER NOT NULL,  created INTEGER, modified INTEGER, search TEXT);
INSERT INTO "products" VALUES(1,'UI-001','Linen Summer Shirt','Apparel','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-001","Linen Summer Shirt","Apparel","Northwind","White","Linen","M","39.90","A breezy white linen shirt for warm days.\n\nRelaxed fit, mother-of-pearl buttons.","Cool linen for hot days","White linen shirt, relaxed fit, breathable all summer."]]',NULL,1,1795870438,1795870438,'linen summer shirt
ui-001
apparel
a breezy white linen shirt for warm days.

relaxed fit, mother-of-pearl buttons.');
INSERT INTO "products" VALUES(2,'UI-002','Canvas Tote Bag','Bags','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-002","Canvas Tote Bag","Bags","Harbor & Co","Navy","Cotton canvas","One size","24.00","","",""]]',NULL,2,1795870438,1795870438,'canvas tote bag
ui-002
bags
');
INSERT INTO "products" VALUES(3,'UI-003','Ceramic Pour-Over Set','Kitchen','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-003","Ceramic Pour-Over Set","Kitchen","Kiln Lane","Matte black","Ceramic","600 ml","45.50","A matte black ceramic dripper and carafe for a slow morning cup.","",""]]',NULL,3,1795870438,1795870438,'ceramic pour-over set
ui-003
kitchen
a matte black ceramic dripper and carafe for a slow morning cup.');
INSERT INTO "products" VALUES(4,'UI-004','纯棉四件套','家纺','zh','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-004","纯棉四件套","家纺","棉语","米白","纯棉","1.8米床","299.00","米白色纯棉四件套，亲肤透气，适合四季使用。","纯棉亲肤 一夜好眠","米白纯棉四件套，柔软透气，四季可用。"]]',NULL,4,1795870438,1795870438,'纯棉四件套
ui-004
家纺
米白色纯棉四件套，亲肤透气，适合四季使用。');
INSERT INTO "products" VALUES(5,'UI-005','儿童保温杯','水具','zh','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-005","儿童保温杯","水具","小鹿","粉色","不锈钢","350 ml","89.00","","",""]]',NULL,5,1795870438,1795870438,'儿童保温杯
ui-005
水具
');
INSERT INTO "products" VALUES(6,'UI-006','Trail Running Shoes','Shoes','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-006","Trail Running Shoes","Shoes","Ridgeline","Orange","Mesh","42","119.00","","",""]]',NULL,6,1795870438,1795870438,'trail running shoes
ui-006
shoes
');
INSERT INTO "products" VALUES(7,'UI-007','Wool Beanie','Apparel','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-007","Wool Beanie","Apparel","Fjell","Grey","Merino wool","One size","19.00","A grey wool beanie in merino wool, made for everyday use. Size One size.","",""]]',NULL,7,1795870438,1795870438,'wool beanie
ui-007
apparel
a grey wool beanie in merino wool, made for everyday use. size one size.');
INSERT INTO "products" VALUES(8,'UI-008','Leather Card Holder','Bags','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-008","Leather Card Holder","Bags","Harbor & Co","Tan","Leather","Slim","29.00","Our tan leather card holder is cut from leather and built to last. Comes in Slim.","",""]]',NULL,8,1795870438,1795870438,'leather card holder
ui-008
bags
our tan leather card holder is cut from leather and built to last. comes in slim.');
INSERT INTO "products" VALUES(9,'UI-009','Bamboo Cutting Board','Kitchen','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-009","Bamboo Cutting Board","Kitchen","Kiln Lane","Natural","Bamboo","Large","34.00","This bamboo cutting board pairs natural colour with honest bamboo. Available in Large; easy to care for.","",""]]',NULL,9,1795870438,1795870438,'bamboo cutting board
ui-009
kitchen
this bamboo cutting board pairs natural colour with honest bamboo. available in large; easy to care for.');
INSERT INTO "products" VALUES(10,'UI-010','Cotton Crew Socks','Apparel','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-010","Cotton Crew Socks","Apparel","Northwind","Black","Cotton","L","9.50","Meet the black cotton crew socks: simple cotton, careful details. One L fits most.","",""]]',NULL,10,1795870438,1795870438,'cotton crew socks
ui-010
apparel
meet the black cotton crew socks: simple cotton, careful details. one l fits most.');
INSERT INTO "products" VALUES(11,'UI-011','Steel Water Bottle','Sports','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-011","Steel Water Bottle","Sports","Ridgeline","Green","Stainless steel","750 ml","27.00","A green steel water bottle in stainless steel, made for everyday use. Size 750 ml.","",""]]',NULL,11,1795870438,1795870438,'steel water bottle
ui-011
sports
a green steel water bottle in stainless steel, made for everyday use. size 750 ml.');
INSERT INTO "products" VALUES(12,'UI-012','Silk Pillowcase','Home textiles','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-012","Silk Pillowcase","Home textiles","Moonbay","Champagne","Silk","Standard","49.00","Our champagne silk pillowcase is cut from silk and built to last. Comes in Standard.","",""]]',NULL,12,1795870438,1795870438,'silk pillowcase
ui-012
home textiles
our champagne silk pillowcase is cut from silk and built to last. comes in standard.');
INSERT INTO "products" VALUES(13,'UI-013','Canvas Sneakers','Shoes','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-013","Canvas Sneakers","Shoes","Ridgeline","White","Canvas","40","59.00","This canvas sneakers pairs white colour with honest canvas. Available in 40; easy to care for.","",""]]',NULL,13,1795870438,1795870438,'canvas sneakers
ui-013
shoes
this canvas sneakers pairs white colour with honest canvas. available in 40; easy to care for.');
INSERT INTO "products" VALUES(14,'UI-014','Glass Storage Jars','Kitchen','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-014","Glass Storage Jars","Kitchen","Kiln Lane","Clear","Glass","1 l","22.00","Meet the clear glass storage jars: simple glass, careful details. One 1 l fits most.","",""]]',NULL,14,1795870438,1795870438,'glass storage jars
ui-014
kitchen
meet the clear glass storage jars: simple glass, careful details. one 1 l fits most.');
INSERT INTO "products" VALUES(15,'UI-015','Denim Jacket','Apparel','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-015","Denim Jacket","Apparel","Northwind","Indigo","Denim","M","89.00","A indigo denim jacket in denim, made for everyday use. Size M.","",""]]',NULL,15,1795870438,1795870438,'denim jacket
ui-015
apparel
a indigo denim jacket in denim, made for everyday use. size m.');
INSERT INTO "products" VALUES(16,'UI-016','Yoga Mat','Sports','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-016","Yoga Mat","Sports","Fjell","Purple","Natural rubber","183 cm","45.00","Our purple yoga mat is cut from natural rubber and built to last. Comes in 183 cm.","",""]]',NULL,16,1795870438,1795870438,'yoga mat
ui-016
sports
our purple yoga mat is cut from natural rubber and built to last. comes in 183 cm.');
INSERT INTO "products" VALUES(17,'UI-017','Linen Napkins','Home textiles','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-017","Linen Napkins","Home textiles","Moonbay","Sage","Linen","45 cm","18.00","This linen napkins pairs sage colour with honest linen. Available in 45 cm; easy to care for.","",""]]',NULL,17,1795870438,1795870438,'linen napkins
ui-017
home textiles
this linen napkins pairs sage colour with honest linen. available in 45 cm; easy to care for.');
INSERT INTO "products" VALUES(18,'UI-018','Nylon Backpack','Bags','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-018","Nylon Backpack","Bags","Harbor & Co","Red","Nylon","22 l","64.00","Meet the red nylon backpack: simple nylon, careful details. One 22 l fits most.","",""]]',NULL,18,1795870438,1795870438,'nylon backpack
ui-018
bags
meet the red nylon backpack: simple nylon, careful details. one 22 l fits most.');
INSERT INTO "products" VALUES(19,'UI-019','Oak Desk Organiser','Stationery','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-019","Oak Desk Organiser","Stationery","Kiln Lane","Light oak","Oak","A4","39.00","A light oak oak desk organiser in oak, made for everyday use. Size A4.","",""]]',NULL,19,1795870438,1795870438,'oak desk organiser
ui-019
stationery
a light oak oak desk organiser in oak, made for everyday use. size a4.');
INSERT INTO "products" VALUES(20,'UI-020','Fleece Blanket','Home textiles','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-020","Fleece Blanket","Home textiles","Moonbay","Cream","Fleece","150 x 200 cm","35.00","Our cream fleece blanket is cut from fleece and built to last. Comes in 150 x 200 cm.","",""]]',NULL,20,1795870438,1795870438,'fleece blanket
ui-020
home textiles
our cream fleece blanket is cut from fleece and built to last. comes in 150 x 200 cm.');
INSERT INTO "products" VALUES(21,'UI-021','Running Cap','Sports','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-021","Running Cap","Sports","Ridgeline","Blue","Polyester","One size","21.00","This running cap pairs blue colour with honest polyester. Available in One size; easy to care for.","",""]]',NULL,21,1795870438,1795870438,'running cap
ui-021
sports
this running cap pairs blue colour with honest polyester. available in one size; easy to care for.');
INSERT INTO "products" VALUES(22,'UI-022','Cast Iron Pan','Kitchen','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-022","Cast Iron Pan","Kitchen","Kiln Lane","Black","Cast iron","26 cm","55.00","Meet the black cast iron pan: simple cast iron, careful details. One 26 cm fits most.","",""]]',NULL,22,1795870438,1795870438,'cast iron pan
ui-022
kitchen
meet the black cast iron pan: simple cast iron, careful details. one 26 cm fits most.');
INSERT INTO "products" VALUES(23,'UI-023','Knit Cardigan','Apparel','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-023","Knit Cardigan","Apparel","Fjell","Mustard","Cotton","S","69.00","A mustard knit cardigan in cotton, made for everyday use. Size S.","",""]]',NULL,23,1795870438,1795870438,'knit cardigan
ui-023
apparel
a mustard knit cardigan in cotton, made for everyday use. size s.');
INSERT INTO "products" VALUES(24,'UI-024','Suede Loafers','Shoes','en','new','csv','["SKU","Title","Category","Brand","Colour","Material","Size","Price","Description","Ad headline","Ad copy"]','[["UI-024","Suede Loafers","Shoes","Northwind","Brown","Suede","43","99.00","Our brown suede loafers is cut from suede and built to last. Comes in 43.","",""]]',NULL,24,1795870438,1795870438,'suede loafers
ui-024
shoes
our brown suede loafers is cut from suede and built to last. comes in 43.');
CREATE TABLE runs (  id INTEGER PRIMARY KEY AUTOINCREMENT,  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL,  kind TEXT, field TEXT, started INTEGER, finished INTEGER, status TEXT, curve TEXT, summary TEXT);
CREATE TABLE texts (  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,  field TEXT NOT NULL, text TEXT,  origin TEXT NOT NULL DEFAULT 'none',  current_variant INTEGER,  locked INTEGER NOT NULL DEFAULT 0, approved INTEGER NOT NULL DEFAULT 0,  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL, modified INTEGER,  PRIMARY KEY (product_id, field)) WITHOUT ROWID;
INSERT INTO "texts" VALUES(1,'adcopy','Cool linen for hot days
White linen shirt, relaxed fit, breathable all summer.','imported',2,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(1,'description','A breezy white linen shirt for warm days.

Relaxed fit, mother-of-pearl buttons.','imported',1,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(3,'description','A matte black ceramic dripper and carafe for a slow morning cup.','imported',3,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(4,'adcopy','纯棉亲肤 一夜好眠
米白纯棉四件套，柔软透气，四季可用。','imported',5,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(4,'description','米白色纯棉四件套，亲肤透气，适合四季使用。','imported',4,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(7,'description','A grey wool beanie in merino wool, made for everyday use. Size One size.','imported',6,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(8,'description','Our tan leather card holder is cut from leather and built to last. Comes in Slim.','imported',7,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(9,'description','This bamboo cutting board pairs natural colour with honest bamboo. Available in Large; easy to care for.','imported',8,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(10,'description','Meet the black cotton crew socks: simple cotton, careful details. One L fits most.','imported',9,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(11,'description','A green steel water bottle in stainless steel, made for everyday use. Size 750 ml.','imported',10,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(12,'description','Our champagne silk pillowcase is cut from silk and built to last. Comes in Standard.','imported',11,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(13,'description','This canvas sneakers pairs white colour with honest canvas. Available in 40; easy to care for.','imported',12,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(14,'description','Meet the clear glass storage jars: simple glass, careful details. One 1 l fits most.','imported',13,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(15,'description','A indigo denim jacket in denim, made for everyday use. Size M.','imported',14,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(16,'description','Our purple yoga mat is cut from natural rubber and built to last. Comes in 183 cm.','imported',15,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(17,'description','This linen napkins pairs sage colour with honest linen. Available in 45 cm; easy to care for.','imported',16,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(18,'description','Meet the red nylon backpack: simple nylon, careful details. One 22 l fits most.','imported',17,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(19,'description','A light oak oak desk organiser in oak, made for everyday use. Size A4.','imported',18,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(20,'description','Our cream fleece blanket is cut from fleece and built to last. Comes in 150 x 200 cm.','imported',19,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(21,'description','This running cap pairs blue colour with honest polyester. Available in One size; easy to care for.','imported',20,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(22,'description','Meet the black cast iron pan: simple cast iron, careful details. One 26 cm fits most.','imported',21,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(23,'description','A mustard knit cardigan in cotton, made for everyday use. Size S.','imported',22,0,0,NULL,1795870438);
INSERT INTO "texts" VALUES(24,'description','Our brown suede loafers is cut from suede and built to last. Comes in 43.','imported',23,0,0,NULL,1795870438);
CREATE TABLE variants (  id INTEGER PRIMARY KEY AUTOINCREMENT,  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,  field TEXT NOT NULL, text TEXT NOT NULL, origin TEXT NOT NULL,  model_id INTEGER REFERENCES models (id) ON DELETE SET NULL, created INTEGER);
INSERT INTO "variants" VALUES(1,1,'description','A breezy white linen shirt for warm days.

Relaxed fit, mother-of-pearl buttons.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(2,1,'adcopy','Cool linen for hot days
White linen shirt, relaxed fit, breathable all summer.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(3,3,'description','A matte black ceramic dripper and carafe for a slow morning cup.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(4,4,'description','米白色纯棉四件套，亲肤透气，适合四季使用。','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(5,4,'adcopy','纯棉亲肤 一夜好眠
米白纯棉四件套，柔软透气，四季可用。','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(6,7,'description','A grey wool beanie in merino wool, made for everyday use. Size One size.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(7,8,'description','Our tan leather card holder is cut from leather and built to last. Comes in Slim.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(8,9,'description','This bamboo cutting board pairs natural colour with honest bamboo. Available in Large; easy to care for.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(9,10,'description','Meet the black cotton crew socks: simple cotton, careful details. One L fits most.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(10,11,'description','A green steel water bottle in stainless steel, made for everyday use. Size 750 ml.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(11,12,'description','Our champagne silk pillowcase is cut from silk and built to last. Comes in Standard.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(12,13,'description','This canvas sneakers pairs white colour with honest canvas. Available in 40; easy to care for.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(13,14,'description','Meet the clear glass storage jars: simple glass, careful details. One 1 l fits most.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(14,15,'description','A indigo denim jacket in denim, made for everyday use. Size M.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(15,16,'description','Our purple yoga mat is cut from natural rubber and built to last. Comes in 183 cm.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(16,17,'description','This linen napkins pairs sage colour with honest linen. Available in 45 cm; easy to care for.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(17,18,'description','Meet the red nylon backpack: simple nylon, careful details. One 22 l fits most.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(18,19,'description','A light oak oak desk organiser in oak, made for everyday use. Size A4.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(19,20,'description','Our cream fleece blanket is cut from fleece and built to last. Comes in 150 x 200 cm.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(20,21,'description','This running cap pairs blue colour with honest polyester. Available in One size; easy to care for.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(21,22,'description','Meet the black cast iron pan: simple cast iron, careful details. One 26 cm fits most.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(22,23,'description','A mustard knit cardigan in cotton, made for everyday use. Size S.','imported',NULL,1795870438);
INSERT INTO "variants" VALUES(23,24,'description','Our brown suede loafers is cut from suede and built to last. Comes in 43.','imported',NULL,1795870438);
CREATE INDEX products_sku ON products (sku);
CREATE INDEX products_position ON products (position);
CREATE INDEX products_title ON products (title COLLATE NOCASE, position);
CREATE INDEX products_status ON products (status, position);
CREATE INDEX variants_product ON variants (product_id, field);
CREATE INDEX variants_model ON variants (model_id) WHERE model_id IS NOT NULL;
CREATE INDEX texts_model ON texts (model_id) WHERE model_id IS NOT NULL;
CREATE INDEX runs_model ON runs (model_id) WHERE model_id IS NOT NULL;
CREATE INDEX history_undone ON history (undone, id);
CREATE INDEX products_category ON products (category, position);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('history',1);
INSERT INTO "sqlite_sequence" VALUES('products',24);
INSERT INTO "sqlite_sequence" VALUES('variants',23);
COMMIT;
