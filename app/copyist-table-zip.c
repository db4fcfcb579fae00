/* copyist-table-zip.c — zip members under limits (libarchive), safe SAX
 * parsing (libxml2, no DTD, no entities, no network), shared by the XLSX
 * and ODS readers. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>
#include <libxml/parserInternals.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "copyist-table-private.h"

#define ZIP_CHUNK (64 * 1024)
#define RATIO_GRACE (1u << 20)   /* the ratio limit applies past 1 MiB inflated */


/* ---- zip access --------------------------------------------------------- */

static struct archive *
zip_open_archive (const guint8 *data, gsize len)
{
  struct archive *a = archive_read_new ();

  archive_read_support_format_zip_seekable (a);
  if (archive_read_open_memory (a, data, len) != ARCHIVE_OK)
    {
      /* The caller reads the message from the handle. */
    }
  return a;
}

ZipKind
zip_identify (const guint8 *data, gsize len, char **what)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  ZipKind kind = ZIP_KIND_OTHER;
  gboolean has_content = FALSE, has_ods_mime = FALSE, has_word = FALSE, has_ppt = FALSE;
  gboolean has_odt = FALSE, any = FALSE;
  int r;

  *what = NULL;
  archive_read_support_format_zip_seekable (a);
  if (archive_read_open_memory (a, data, len) != ARCHIVE_OK)
    {
      *what = g_strdup_printf ("!%s", archive_error_string (a) ? archive_error_string (a) : "unreadable");
      archive_read_free (a);
      return ZIP_KIND_OTHER;
    }
  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      any = TRUE;
      if (name == NULL)
        continue;
      if (g_ascii_strcasecmp (name, "xl/workbook.xml") == 0 || g_str_has_suffix (name, "/workbook.xml"))
        kind = ZIP_KIND_XLSX;
      else if (strcmp (name, "content.xml") == 0)
        has_content = TRUE;
      else if (strcmp (name, "mimetype") == 0)
        {
          char buf[128] = { 0 };
          la_ssize_t n = archive_read_data (a, buf, sizeof buf - 1);
          if (n > 0 && strstr (buf, "opendocument.spreadsheet") != NULL)
            has_ods_mime = TRUE;
          else if (n > 0 && strstr (buf, "opendocument.") != NULL)
            has_odt = TRUE;
        }
      else if (g_str_has_prefix (name, "word/"))
        has_word = TRUE;
      else if (g_str_has_prefix (name, "ppt/"))
        has_ppt = TRUE;
    }
  if (r != ARCHIVE_EOF && kind != ZIP_KIND_XLSX && !(has_content && has_ods_mime))
    *what = g_strdup_printf ("!%s", archive_error_string (a) ? archive_error_string (a) : "unreadable");
  archive_read_free (a);

  if (*what != NULL)
    return ZIP_KIND_OTHER;
  if (kind == ZIP_KIND_XLSX)
    return kind;
  if (has_content && (has_ods_mime || !has_odt))
    return ZIP_KIND_ODS;
  if (has_word)
    *what = g_strdup (_("it is a Word document"));
  else if (has_ppt)
    *what = g_strdup (_("it is a PowerPoint presentation"));
  else if (has_odt)
    *what = g_strdup (_("it is an OpenDocument file other than a spreadsheet"));
  else if (!any)
    *what = g_strdup (_("it is empty"));
  return ZIP_KIND_OTHER;
}

ZipReader *
zip_reader_open (const guint8 *data, gsize len, TableBuilder *b, GError **error)
{
  ZipReader *z = g_new0 (ZipReader, 1);

  z->data = data;
  z->len = len;
  z->b = b;
  z->member_size = -1;
  return z;
}

void
zip_reader_free (ZipReader *z)
{
  if (z == NULL)
    return;
  if (z->a != NULL)
    archive_read_free (z->a);
  g_free (z->member);
  g_free (z);
}

static void
zip_corrupt (ZipReader *z, const char *path, GError **error)
{
  const char *msg = z->a != NULL ? archive_error_string (z->a) : NULL;

  g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_CORRUPT,
               _("%s is damaged or truncated (%s: %s); save it again from the spreadsheet program"),
               z->b->name, path, msg != NULL ? msg : _("unreadable"));
}

gboolean
zip_reader_find (ZipReader *z, const char *path, gboolean *found, GError **error)
{
  struct archive_entry *entry;
  int r;

  *found = FALSE;
  if (z->a != NULL)
    archive_read_free (z->a);
  z->a = zip_open_archive (z->data, z->len);
  while ((r = archive_read_next_header (z->a, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      /* OOXML part names are case-insensitive. */
      if (name != NULL && g_ascii_strcasecmp (name, path) == 0)
        {
          guint64 limit = z->b->opts->limits.max_uncompressed_bytes;
          guint64 ratio = z->b->opts->limits.max_compression_ratio;
          z->member_size = archive_entry_size_is_set (entry) ? archive_entry_size (entry) : -1;
          g_free (z->member);
          z->member = g_strdup (path);
          /* Refuse at once when the directory already admits a bomb. */
          if (z->member_size > 0 && ((guint64) z->member_size > limit
                                     || ((guint64) z->member_size > RATIO_GRACE
                                         && (guint64) z->member_size > ratio * (guint64) z->len)))
            {
              g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                           _("%s: %s would expand to %lld bytes from a %llu-byte file; refused as a probable "
                             "zip bomb"),
                           z->b->name, path, (long long) z->member_size, (unsigned long long) z->len);
              return FALSE;
            }
          *found = TRUE;
          return TRUE;
        }
    }
  if (r != ARCHIVE_EOF)
    {
      zip_corrupt (z, path, error);
      return FALSE;
    }
  return TRUE;
}

/* Reads up to N inflated bytes of the current member, enforcing the limits. */
static gssize
zip_reader_read (ZipReader *z, void *buf, gsize n, GError **error)
{
  la_ssize_t r = archive_read_data (z->a, buf, n);
  const CopyistReadLimits *lim = &z->b->opts->limits;

  if (r < 0)
    {
      zip_corrupt (z, z->member, error);
      return -1;
    }
  z->inflated += (guint64) r;
  if (z->inflated > lim->max_uncompressed_bytes)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                   _("%s expands to more than %llu bytes; refused as a probable zip bomb"),
                   z->b->name, (unsigned long long) lim->max_uncompressed_bytes);
      return -1;
    }
  if (z->inflated > RATIO_GRACE && z->inflated > (guint64) lim->max_compression_ratio * (guint64) z->len)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                   _("%s expands more than %u times its size (%s); refused as a probable zip bomb"),
                   z->b->name, lim->max_compression_ratio, z->member);
      return -1;
    }
  return r;
}

GBytes *
zip_reader_slurp (ZipReader *z, const char *path, GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[ZIP_CHUNK];

  for (;;)
    {
      gssize n = zip_reader_read (z, chunk, sizeof chunk, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (buf, chunk, (guint) n);
      if (!table_builder_tick (z->b, 0.0, error))
        return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* ---- safe SAX ----------------------------------------------------------- */

void
sax_fail (SaxBase *base, int code, const char *format, ...)
{
  va_list args;

  if (base->error == NULL)
    {
      va_start (args, format);
      g_autofree char *msg = g_strdup_vprintf (format, args);
      va_end (args);
      base->error = g_error_new_literal (COPYIST_TABLE_ERROR, code, msg);
    }
  if (base->ctxt != NULL)
    xmlStopParser (base->ctxt);
}

static void
refuse_dtd_cb (void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
  SaxBase *base = ctx;
  sax_fail (base, COPYIST_TABLE_ERROR_UNSAFE,
            _("%s: %s declares a DTD; spreadsheets never do, so it is refused (entity expansion attack?)"),
            base->file, base->part);
}

static void
refuse_entity_cb (void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                  const xmlChar *system_id, xmlChar *content)
{
  SaxBase *base = ctx;
  sax_fail (base, COPYIST_TABLE_ERROR_UNSAFE,
            _("%s: %s declares the XML entity “%s”; refused (entity expansion attack?)"),
            base->file, base->part, (const char *) name);
}

static xmlEntityPtr
no_entity_cb (void *ctx, const xmlChar *name)
{
  SaxBase *base = ctx;
  sax_fail (base, COPYIST_TABLE_ERROR_UNSAFE,
            _("%s: %s refers to the undeclared entity “&%s;”; refused"),
            base->file, base->part, (const char *) name);
  return NULL;
}

static xmlParserInputPtr
no_resolve_cb (void *ctx, const xmlChar *public_id, const xmlChar *system_id)
{
  SaxBase *base = ctx;
  sax_fail (base, COPYIST_TABLE_ERROR_UNSAFE,
            _("%s: %s refers to an external resource; refused"), base->file, base->part);
  return NULL;
}

static void
quiet_cb (void *ctx, const char *msg, ...)
{
  /* Errors are read from the parser context afterwards. */
}

void
xml_sax_make_safe (xmlSAXHandler *sax)
{
  /* Only our handlers: libxml2's default SAX2 ones expect the parser
   * context as their user data, and ours is the reader's state. */
  memset (sax, 0, sizeof *sax);
  sax->initialized = XML_SAX2_MAGIC;
  sax->internalSubset = refuse_dtd_cb;
  sax->externalSubset = refuse_dtd_cb;
  sax->entityDecl = refuse_entity_cb;
  sax->getEntity = no_entity_cb;
  sax->getParameterEntity = no_entity_cb;
  sax->resolveEntity = no_resolve_cb;
  sax->warning = quiet_cb;
  sax->error = quiet_cb;
  sax->fatalError = quiet_cb;
  sax->serror = NULL;
  sax->reference = NULL;
}

static xmlParserCtxtPtr
sax_context_new (xmlSAXHandler *sax, SaxBase *base, const char *path)
{
  xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt (sax, base, NULL, 0, path);

  if (ctxt == NULL)
    return NULL;
  /* No network, no DTD loading, no entity substitution (the default). */
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  base->ctxt = ctxt;
  return ctxt;
}

/* Frees the context and the document libxml2 builds on its own: for
 * "SAX compatibility" it keeps entity declarations in a document of its
 * own (ctxt->myDoc) even when our handlers refuse them, and
 * xmlFreeParserCtxt() leaves that document to the caller. */
static void
sax_context_free (SaxBase *base, xmlParserCtxtPtr ctxt)
{
  if (ctxt->myDoc != NULL)
    {
      xmlFreeDoc (ctxt->myDoc);
      ctxt->myDoc = NULL;
    }
  xmlFreeParserCtxt (ctxt);
  base->ctxt = NULL;
}

static gboolean
sax_check (SaxBase *base, int rc, GError **error)
{
  if (base->error != NULL)
    {
      g_propagate_error (error, base->error);
      base->error = NULL;
      return FALSE;
    }
  if (rc != 0 || !base->ctxt->wellFormed)
    {
      const xmlError *e = xmlCtxtGetLastError (base->ctxt);
      if (e != NULL && e->code == XML_ERR_NO_MEMORY)
        {
          /* The machine, not the file: say so (test-faults, read-xlsx). */
          g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                       _("%s: not enough memory to read %s; close other programs and try again"), base->file,
                       base->part);
          return FALSE;
        }
      g_autofree char *msg = g_strstrip (g_strdup (e != NULL && e->message != NULL ? e->message : "malformed XML"));
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_SYNTAX,
                   _("%s: %s is not well-formed XML (line %d: %s); the file is damaged"),
                   base->file, base->part, e != NULL ? e->line : 0, msg);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  ZipReader *z;
  GError    *error;   /* from reading the member (limits, damage, cancel) */
  guint64    done;
} SaxInput;

/* libxml2 pulls the member through this: inflating under the limits and
 * polling cancellation as it goes. -1 stops the parser. */
static int
sax_input_read_cb (void *data, char *buf, int len)
{
  SaxInput *in = data;
  gssize n;

  if (in->error != NULL || in->z->b->stopped)
    return in->z->b->stopped ? 0 : -1;
  n = zip_reader_read (in->z, buf, (gsize) len, &in->error);
  if (n < 0)
    return -1;
  in->done += (guint64) n;
  double fraction = in->z->member_size > 0 ? (double) in->done / (double) in->z->member_size : 0.0;
  if (!table_builder_tick (in->z->b, MIN (fraction, 0.99), &in->error))
    return -1;
  return (int) n;
}

static int
sax_input_close_cb (void *data)
{
  return 0;
}

gboolean
zip_reader_sax (ZipReader *z, const char *path, xmlSAXHandler *sax, SaxBase *base, GError **error)
{
  SaxInput in = { z, NULL, 0 };
  xmlParserCtxtPtr ctxt;
  gboolean ok;
  int rc;

  base->part = path;
  base->file = z->b->name;
  /* A pull parser over an input callback: streaming like the push parser,
   * but without its per-chunk look-ahead, so about twice as fast. */
  ctxt = xmlCreateIOParserCtxt (sax, base, sax_input_read_cb, sax_input_close_cb, &in, XML_CHAR_ENCODING_NONE);
  if (ctxt == NULL)
    {
      /* Only an allocation fails here. */
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                   _("%s: not enough memory to read %s; close other programs and try again"), z->b->name, path);
      return FALSE;
    }
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  base->ctxt = ctxt;
  rc = xmlParseDocument (ctxt);
  if (in.error != NULL)
    {
      g_propagate_error (error, in.error);
      ok = FALSE;
    }
  else if (z->b->stopped && base->error == NULL)
    ok = TRUE;   /* enough rows for a preview */
  else
    ok = sax_check (base, rc, error);
  g_clear_error (&base->error);
  sax_context_free (base, ctxt);
  return ok;
}

gboolean
xml_sax_parse_bytes (GBytes *bytes, const char *path, xmlSAXHandler *sax, SaxBase *base, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  xmlParserCtxtPtr ctxt;
  gboolean ok;

  base->part = path;
  ctxt = sax_context_new (sax, base, path);
  if (ctxt == NULL)
    {
      g_set_error (error, COPYIST_TABLE_ERROR, COPYIST_TABLE_ERROR_LIMIT,
                   _("%s: not enough memory to read %s; close other programs and try again"), base->file, path);
      return FALSE;
    }
  int rc = xmlParseChunk (ctxt, data != NULL ? data : "", (int) MIN (len, (gsize) G_MAXINT), 1);
  ok = sax_check (base, rc, error);
  g_clear_error (&base->error);
  sax_context_free (base, ctxt);
  return ok;
}

/* ---- SAX2 attributes ---------------------------------------------------- */

const char *
sax_attr_value (const xmlChar **attrs, int n, const char *local, char *buf, gsize size)
{
  /* SAX2 attributes: (localname, prefix, URI, value, end) quintuples. */
  for (int i = 0; i < n; i++)
    {
      const xmlChar **a = attrs + i * 5;
      if (strcmp ((const char *) a[0], local) == 0)
        {
          gsize len = (gsize) (a[4] - a[3]);
          if (len >= size)
            len = size - 1;
          memcpy (buf, a[3], len);
          buf[len] = '\0';
          return buf;
        }
    }
  return NULL;
}

char *
sax_attr_dup (const xmlChar **attrs, int n, const char *local)
{
  for (int i = 0; i < n; i++)
    {
      const xmlChar **a = attrs + i * 5;
      if (strcmp ((const char *) a[0], local) == 0)
        return g_strndup ((const char *) a[3], (gsize) (a[4] - a[3]));
    }
  return NULL;
}
