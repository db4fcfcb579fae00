#!/usr/bin/env python3
"""Writes the fuzz seed corpora into tests/fuzz/corpus/<target>/.

Every seed is written here from literals (or from the repository's own
tests/data), never copied from shared data. Run it again after changing a
seed; the output is committed so CI needs neither Python modules beyond the
standard library nor a build of copyist-cli. Model seeds need copyist-cli:

    python3 tests/fuzz/make-corpus.py [--cli _build/app/copyist-cli]

Regression inputs (crashes the fuzzers found) live in the same folders as
crash-<what>; this script never deletes them.
"""
import argparse
import io
import os
import sqlite3
import subprocess
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- CSV / TSV in every encoding ------------------------------------------

CSV_EN = ('SKU,Title,Colour,Price,Description\r\n'
          '00123,Linen shirt,White,39.90,"A breezy shirt, with ""quotes"".\n\nSecond paragraph."\r\n'
          '4006381333931,Canvas tote,Navy,24.00,\r\n')
CSV_ZH = '货号,名称,颜色,材质,价格\n00123,亚麻衬衫,白色,亚麻,39.9\n00124,羊毛围巾,灰色,羊毛,59\n'


def csv_seeds():
    put("table-csv", "comma-crlf.csv", CSV_EN)
    put("table-csv", "semicolon.csv", CSV_EN.replace(",", ";"))
    put("table-csv", "tab.tsv", "SKU\tTitle\tColour\n1\tShirt\tRed\n2\tTee\t\"Blue\tGreen\"\n")
    put("table-csv", "pipe.csv", "a|b|c\n1|2|3\n")
    put("table-csv", "utf8-bom.csv", b"\xef\xbb\xbf" + CSV_ZH.encode("utf-8"))
    put("table-csv", "utf16le-bom.csv", b"\xff\xfe" + CSV_ZH.encode("utf-16-le"))
    put("table-csv", "utf16be.csv", CSV_ZH.encode("utf-16-be"))
    put("table-csv", "gb18030.csv", CSV_ZH.encode("gb18030"))
    put("table-csv", "big5.csv", "貨號,名稱,顏色\n1,襯衫,白色\n".encode("big5"))
    put("table-csv", "cp1252.csv", "SKU,Title\n1,Café crème — naïve\n".encode("cp1252"))
    put("table-csv", "shift-jis.csv", "品番,名前\n1,シャツ\n".encode("shift_jis"))
    put("table-csv", "ragged.csv", "a,b,c\n1,2\n3,4,5,6\n")
    put("table-csv", "unclosed-quote.csv", 'a,b\n1,"never closed\n')
    put("table-csv", "blank-lines.csv", "\n\n,,\nname,value\n\nx,1\n,,\n")
    put("table-csv", "duplicate-headers.csv", "Name,Name,,Name 2\n1,2,3,4\n")
    put("table-csv", "formula.csv", "a,b\n=1+2,@SUM(A1)\n")
    put("table-csv", "json-looking.csv", '[{"a": 1}]')


def json_seeds():
    put("table-json", "advertisegen.jsonl",
        '{"content": "类型#上衣*材质#牛仔布*颜色#白色", "summary": "简约而不简单的牛仔外套。"}\n\n'
        '{"content": "类型#裙*颜色#红色", "summary": "红色连衣裙。", "rank": 2}\n')
    put("table-json", "array.json",
        '[{"sku":"00123","title":"Tee","tags":["a","b"],"price":12.5,"ok":true},{"sku":"7","title":null}]')
    put("table-json", "nested.json", '[{"a":{"b":{"c":[1,{"d":"e"}]}},"u":"\\u00e9\\ud83d\\ude00"}]')
    put("table-json", "bad-line.jsonl", '{"a": 1}\n{"a": 2,}\n')
    put("table-json", "scalars.json", "[1, 2, 3]")
    put("table-json", "utf16.json", b"\xff\xfe" + '[{"名称":"衬衫"}]'.encode("utf-16-le"))
    put("table-json", "numbers.jsonl", '{"n": 1e308, "m": -0.0, "k": 12345678901234567890}\n')


# ---- XLSX / ODS -------------------------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_P = "http://schemas.openxmlformats.org/package/2006/relationships"

SHEET = ('<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>'
         '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Price</t></is></c>'
         '<c r="D1" t="inlineStr"><is><t>Since</t></is></c></row>'
         '<row r="2"><c r="A2" t="inlineStr"><is><t>A&amp;B_x000D_</t></is></c><c r="B2" t="s"><v>2</v></c>'
         '<c r="C2"><v>12.5</v></c><c r="D2" s="1"><v>45352</v></c><c r="E2" t="b"><v>1</v></c>'
         '<c r="F2" t="str"><f>B2</f><v>Red Tee</v></c><c r="G2" t="e"><v>#N/A</v></c></row>'
         '<row r="4"><c r="B4" t="d"><v>2024-03-01T08:30:00</v></c></row>'
         '</sheetData><mergeCells count="1"><mergeCell ref="C1:D1"/></mergeCells></worksheet>') % NS
STRINGS = ('<?xml version="1.0"?><sst xmlns="%s"><si><t>SKU</t></si><si><t>Title</t></si>'
           '<si><r><t>Red </t></r><r><t xml:space="preserve">Tee</t></r><rPh><t>ignored</t></rPh></si></sst>') % NS
WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="%s" xmlns:r="%s"><sheets>'
            '<sheet name="Products" sheetId="1" r:id="rId1"/><sheet name="Other" sheetId="2" r:id="rId9"/>'
            '</sheets></workbook>') % (NS, NS_R)
WB_RELS = ('<?xml version="1.0"?><Relationships xmlns="%s">'
           '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
           '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
           '<Relationship Id="rId3" Type="%s/styles" Target="/xl/styles.xml"/>'
           '</Relationships>') % (NS_P, NS_R, NS_R, NS_R)
STYLES = ('<?xml version="1.0"?><styleSheet xmlns="%s"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>') % NS
ROOT_RELS = ('<?xml version="1.0"?><Relationships xmlns="%s"><Relationship Id="rId1" '
             'Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>') % (NS_P, NS_R)
CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s><office:body><office:spreadsheet>'
               '<table:table table:name="商品"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>SKU</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string" table:number-columns-spanned="2"><text:p>Name</text:p></table:table-cell>'
               '<table:covered-table-cell/>'
               '<table:table-cell office:value-type="string"><text:p>Price</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string"><text:p>Since</text:p></table:table-cell>'
               '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
               '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>00123</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string"><office:annotation><text:p>a note</text:p></office:annotation>'
               '<text:p>Tee<text:s text:c="2"/>cotton<text:tab/><text:line-break/></text:p><text:p>second line</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string"><text:p>EN</text:p></table:table-cell>'
               '<table:table-cell office:value-type="currency" office:value="12.5"><text:p>12,50 €</text:p></table:table-cell>'
               '<table:table-cell office:value-type="date" office:date-value="2024-03-01"><text:p>01.03.24</text:p></table:table-cell>'
               '<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>'
               '<table:table-cell office:value-type="percentage" office:value="0.5"><text:p>50%%</text:p></table:table-cell>'
               '<table:table-cell office:value-type="time" office:time-value="PT08H30M00S"><text:p>08:30</text:p></table:table-cell>'
               '</table:table-row>'
               '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
               '</table:table><table:table table:name="Other"><table:table-row>'
               '<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>') % ODS_NS
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def zip_bytes(members, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else compression
            z.writestr(info, data)
    return buf.getvalue()


def zip_seeds():
    # Structured inputs: NUL-separated parts (see fuzz-table.c).
    put("table-xlsx", "parts-full", "\0".join([SHEET, STRINGS, WORKBOOK, WB_RELS, STYLES, ROOT_RELS]))
    put("table-xlsx", "parts-sheet-only", SHEET)
    put("table-xlsx", "parts-strict",
        SHEET.replace(NS, "http://purl.oclc.org/ooxml/spreadsheetml/main") + "\0" +
        STRINGS.replace(NS, "http://purl.oclc.org/ooxml/spreadsheetml/main"))
    put("table-xlsx", "parts-laughs",
        LAUGHS + SHEET.split("?>", 1)[1].replace("<v>0</v>", "<v>&lol2;</v>"))
    put("table-xlsx", "parts-xxe-workbook", "\0\0" + XXE + WORKBOOK.split("?>", 1)[1])
    put("table-xlsx", "parts-dims",
        '<worksheet xmlns="%s"><dimension ref="A1:XFD1048576"/><sheetData><row r="1048576">'
        '<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>' % NS)
    full = [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WB_RELS), ("xl/sharedStrings.xml", STRINGS),
            ("xl/styles.xml", STYLES), ("xl/worksheets/sheet1.xml", SHEET)]
    put("table-xlsx", "raw-deflated.xlsx", zip_bytes(full))
    put("table-xlsx", "raw-stored.xlsx", zip_bytes(full, zipfile.ZIP_STORED))
    put("table-xlsx", "raw-word.docx", zip_bytes([("word/document.xml", "<w/>")]))

    put("table-ods", "parts-content", ODS_CONTENT)
    put("table-ods", "parts-laughs", LAUGHS + '<office:document-content %s/>' % ODS_NS)
    put("table-ods", "parts-odt-mime", ODS_CONTENT + "\0application/vnd.oasis.opendocument.text")
    put("table-ods", "parts-repeats",
        '<office:document-content %s><office:body><office:spreadsheet><table:table table:name="S">'
        '<table:table-row table:number-rows-repeated="4000000000"><table:table-cell table:number-columns-repeated="4000000000" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>' % ODS_NS)
    ods = [("mimetype", ODS_MIME), ("content.xml", ODS_CONTENT),
           ("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')]
    put("table-ods", "raw-deflated.ods", zip_bytes(ods))
    put("table-ods", "raw-stored.ods", zip_bytes(ods, zipfile.ZIP_STORED))


# ---- attribute formats, import flavours -----------------------------------

def attr_seeds():
    put("attrs", "e2e", "name[The Eagle], eatType[coffee shop], food[French], priceRange[£20-25], "
        "customer rating[3 out of 5], area[city centre], familyFriendly[yes], near[Burger King]")
    put("attrs", "advertisegen", "类型#上衣*版型#宽松*颜色#白色*风格#青春*图案#条纹*图案#印花*衣样式#外套")
    put("attrs", "woo-list", "name[x]\0Color\0Red, Blue | 绿色、黄色，紫色")
    put("attrs", "broken-brackets", "name[The [Eagle]], food[")
    put("attrs", "broken-hash", "类型#*#颜色##*")
    put("attrs", "spaces", "  key with spaces [  value with spaces ] ,\tk2[v2]\n")


WOO = ('ID,Type,SKU,Name,Published,Short description,Description,Regular price,Categories,Parent,'
       'Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 1 global,'
       'Attribute 2 name,Attribute 2 value(s)\n'
       '10,variable,TS-1,Linen tee,1,<p>Short <b>and</b> cool</p>,"<p>A tee.</p><ul><li>Linen</li></ul>",,Apparel > Tops,,'
       'Color,"Red, Blue",1,1,Size,"S | M | L"\n'
       '11,variation,TS-1-R,Linen tee - Red,1,,,19.99,,TS-1,Color,Red,,1,Size,S\n'
       '12,variation,TS-1-B,Linen tee - Blue,1,,,19.99,,id:10,Color,Blue,,1,Size,M\n'
       '13,variation,ORPHAN,Orphan,1,,,1,,NOPE,Color,Green,,1,,\n'
       '14,simple,,,1,,,,,,,,,,,\n')
SHOPIFY = ('Handle,Title,Body (HTML),Vendor,Type,Tags,Option1 Name,Option1 Value,Option2 Name,Option2 Value,'
           'Variant SKU,Variant Price,SEO Title,SEO Description\n'
           'linen-tee,Linen Tee,"<p>Soft &amp; cool<br>linen.</p><script>x</script>",Northwind,Tops,"a, b",'
           'Color,Red,Size,S,LT-R-S,19.99,Linen tee,Cool linen\n'
           'linen-tee,,,,,,,Blue,,M,LT-B-M,19.99,,\n'
           ',,,,,,,,,,,,,\n')


def import_seeds():
    put("import", "woocommerce.csv", WOO)
    put("import", "shopify.csv", SHOPIFY)
    put("import", "e2e.csv", 'mr,ref\n"name[The Eagle], eatType[coffee shop], food[French]","The Eagle is a French coffee shop."\n'
        '"name[Alimentum], area[city centre]","Alimentum is in the city centre."\n')
    put("import", "advertisegen.csv", 'content,summary\n类型#上衣*颜色#白色*材质#亚麻,白色亚麻上衣。\n类型#裙*颜色#红色,红裙。\n')
    put("import", "generic-zh.csv", CSV_ZH)
    put("import", "generic-en.csv", CSV_EN)
    put("import", "mapping.csv", 'sku,title,mapping\n1,Tee,"{""version"":1,""keep_unknown"":false,""columns"":[{""column"":""sku"",""field"":""sku""}]}"\n')
    with open(os.path.join(ROOT, "tests", "data", "ui-products.csv"), "rb") as f:
        put("import", "ui-products.csv", f.read())


def text_seeds():
    put("text", "e2e", "The Eagle is a cheap French coffee shop near Burger King in the city centre, not family-friendly.\0"
        "name[The Eagle], eatType[coffee shop], food[French], priceRange[cheap], area[city centre], "
        "familyFriendly[no], near[Burger King]\0The Eagle serves Italian food in Riverside.")
    put("text", "advertisegen", "这款白色宽松上衣，条纹印花，青春感十足，搭配黑色裤子。\0"
        "类型#上衣*版型#宽松*颜色#白色*风格#青春*图案#条纹*图案#印花\0红色连衣裙。")
    put("text", "punctuation", "“Quoted,” she said — it's £30-35 (or 20.5%)… don't / can't! <name> <color_2>\0"
        "name[x], color[Blue], color[Red]")
    put("text", "invalid-utf8", b"caf\xc3 \xff\xfe text\0name[caf\xc3\xa9]")
    put("text", "plural", "Blue shirts and blue-green shirt_s with BLUES.\0color[blue], item[shirt]")


# ---- models -----------------------------------------------------------------

TINY = ('mr,ref\n'
        '"name[Alpha], food[Thai]","Alpha serves Thai food."\n'
        '"name[Beta], food[Indian], area[riverside]","Beta is an Indian place by the riverside."\n'
        '"name[Gamma], food[Thai], area[city centre]","Gamma serves Thai food in the city centre."\n'
        '"name[Delta], food[French]","Delta is French."\n')


def model_seeds(cli):
    if cli is None or not os.path.exists(cli):
        print("no copyist-cli: model seeds not (re)written")
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "tiny.csv")
        with open(data, "w") as f:
            f.write(TINY)
        for kind in ("vae", "gan", "s2s"):
            out = os.path.join(tmp, kind + ".cpmodel")
            subprocess.run([cli, "train", "--data", data, "--attributes", "mr", "--text", "ref", "--out", out,
                            "--model", kind, "--hidden", "4", "--emb", "4", "--latent", "2", "--epochs", "1",
                            "--heldout", "0.25", "--seed", "1", "-q"], check=True, stdout=subprocess.DEVNULL)
            with open(out, "rb") as f:
                put("checkpoint", "tiny-" + kind + ".cpmodel", f.read())
    put("checkpoint", "header-only", b"CPYSTMDL\x01\x00\x00\x00" + b"\x00" * 12)
    put("checkpoint", "not-a-model", b"PK\x03\x04 not a checkpoint")


# ---- projects ---------------------------------------------------------------

def project_seeds(cli):
    with open(os.path.join(ROOT, "tests", "data", "project-v1.sql")) as f:
        v1 = f.read()
    put("project", "v1.sql", v1)
    hostile = (
        "PRAGMA application_id = 1129271385; PRAGMA user_version = 1;\n" + v1.split("BEGIN;", 1)[1].split("INSERT", 1)[0] +
        "CREATE TRIGGER slow AFTER UPDATE ON texts BEGIN "
        "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c); END;\n"
        "INSERT INTO products (id, sku, title, position) VALUES (1, 'A', 'T', 1);\nCOMMIT;\n")
    put("project", "hostile-trigger.sql", hostile)
    put("project", "view-as-table.sql",
        "PRAGMA application_id = 1129271385; PRAGMA user_version = 1;\n"
        "CREATE VIEW meta AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS key, x AS value FROM c;\n")
    put("project", "wrong-types.sql", v1.replace("'L-1'", "x'00ff'").replace("1700000000", "'soon'"))
    put("project", "future.sql", "PRAGMA application_id = 1129271385; PRAGMA user_version = 99; CREATE TABLE t (x);")
    put("project", "foreign.sql", "CREATE TABLE x (y); INSERT INTO x VALUES (1);")
    # Databases as files: the v1 script and, with copyist-cli, a current one.
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "v1.copyist")
        con = sqlite3.connect(db)
        con.executescript(v1)
        con.close()
        with open(db, "rb") as f:
            put("project", "v1.db", f.read())
        if cli is not None and os.path.exists(cli):
            cur = os.path.join(tmp, "current.copyist")
            subprocess.run([cli, "import", "--project", cur, os.path.join(ROOT, "tests", "data", "ui-products.csv")],
                           check=True, stdout=subprocess.DEVNULL)
            con = sqlite3.connect(cur)
            con.execute("PRAGMA journal_mode = DELETE")
            con.execute("VACUUM")
            dump = "\n".join(con.iterdump())
            con.close()
            put("project", "current.sql", "PRAGMA application_id = 1129271385;\nPRAGMA user_version = %d;\n%s\n"
                % (sqlite3.connect(cur).execute("PRAGMA user_version").fetchone()[0], dump))
            with open(cur, "rb") as f:
                put("project", "current.db", f.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default=os.path.join(ROOT, "_build", "app", "copyist-cli"))
    args = ap.parse_args()
    csv_seeds()
    json_seeds()
    zip_seeds()
    attr_seeds()
    import_seeds()
    text_seeds()
    model_seeds(args.cli)
    project_seeds(args.cli)


if __name__ == "__main__":
    main()
