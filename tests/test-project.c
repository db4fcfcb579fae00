/* test-project.c — CopyistProject: schema, import, texts, undo/redo of every
 * action kind (across reopening), locked and hand-edited text, migrations,
 * files that are not projects. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "copyist-project.h"

#include "test-util.h"

typedef struct {
  char *dir;
  char *path;
  GFile *file;
  CopyistProject *project;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("copyist-project-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.copyist", NULL);
  f->file = g_file_new_for_path (f->path);
  f->project = copyist_project_open (f->file, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->project);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->file);
  copyist_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (copyist_project_close (f->project, &error));
  g_assert_no_error (error);
  g_clear_object (&f->project);
  f->project = copyist_project_open (f->file, FALSE, &error);
  g_assert_no_error (error);
}

static CopyistRecord *
make_record (const char *sku, const char *title, const char *category, const char *color, const char *description)
{
  CopyistRecord *r = copyist_record_new ();
  char *headers[] = { (char *) "SKU", (char *) "Name", (char *) "Colour", (char *) "Extra", NULL };
  char *row[] = { (char *) sku, (char *) title, (char *) color, (char *) "keep me, \"quoted\"\n", NULL };

  r->sku = g_strdup (sku);
  r->title = g_strdup (title);
  r->category = g_strdup (category);
  r->description = g_strdup (description);
  r->source_format = g_strdup ("csv");
  r->source_headers = g_strdupv (headers);
  if (sku == NULL)
    row[0] = (char *) "";
  g_ptr_array_add (r->source_rows, g_strdupv (row));
  if (color != NULL)
    copyist_record_set_attribute (r, COPYIST_KEY_COLOR, color);
  copyist_record_set_attribute (r, "Extra", "keep me, \"quoted\"\n");
  return r;
}

static GPtrArray *
sample_records (void)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);

  g_ptr_array_add (records, make_record ("A-1", "Linen shirt", "Shirts", "white", "A white linen shirt."));
  g_ptr_array_add (records, make_record ("A-2", "Wool scarf", "Accessories", "grey", NULL));
  g_ptr_array_add (records, make_record ("00123", "真丝围巾", "配饰", "红色", "红色真丝围巾。"));
  return records;
}

static void
import_sample (Fixture *f)
{
  g_autoptr(GPtrArray) records = sample_records ();
  g_autoptr(GError) error = NULL;
  CopyistImportReport report;

  copyist_import_report_init (&report);
  g_assert_true (copyist_project_import_records (f->project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.created, ==, 3);
  g_assert_cmpuint (report.updated, ==, 0);
  g_assert_cmpuint (report.skipped, ==, 0);
  copyist_import_report_clear (&report);
}

static gint64
id_at (Fixture *f, guint i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = copyist_project_dup_product_ids (f->project, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (i, <, ids->len);
  return g_array_index (ids, gint64, i);
}

/* Everything observable about the products, as one string. */
static char *
dump_state (CopyistProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = copyist_project_dup_records (project, NULL, FALSE, &error);
  GString *out = g_string_new (NULL);
  static const char *const fields[] = { COPYIST_FIELD_DESCRIPTION, COPYIST_FIELD_ADCOPY };

  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      CopyistRecord *r = records->pdata[i];
      CopyistProductStatus status = COPYIST_PRODUCT_STATUS_NEW;

      g_assert_true (copyist_project_get_status (project, r->id, &status, NULL));
      g_string_append_printf (out, "#%" G_GINT64_FORMAT " sku=%s title=%s cat=%s lang=%s status=%s\n", r->id,
                              r->sku, r->title, r->category, r->language, copyist_product_status_to_string (status));
      for (guint a = 0; a < r->attributes->len; a++)
        {
          CopyistAttribute *attr = r->attributes->pdata[a];
          g_string_append_printf (out, "  attr %s=%s\n", attr->key, attr->value);
        }
      for (guint row = 0; row < r->source_rows->len; row++)
        {
          g_autofree char *joined = g_strjoinv ("|", r->source_rows->pdata[row]);
          g_string_append_printf (out, "  row %s\n", joined);
        }
      for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
        {
          CopyistFieldState *st = copyist_project_get_field (project, r->id, fields[k], &error);
          g_assert_no_error (error);
          g_string_append_printf (out, "  %s: text=%s origin=%s locked=%d approved=%d current=%" G_GINT64_FORMAT "\n",
                                  fields[k], st->text, copyist_text_origin_to_string (st->origin), st->locked,
                                  st->approved, st->current_variant);
          for (guint v = 0; v < st->variants->len; v++)
            {
              CopyistVariant *var = st->variants->pdata[v];
              g_string_append_printf (out, "    variant %" G_GINT64_FORMAT " %s %s model=%" G_GINT64_FORMAT "\n",
                                      var->id, copyist_text_origin_to_string (var->origin), var->text, var->model_id);
            }
          copyist_field_state_free (st);
        }
    }
  return g_string_free (out, FALSE);
}

static void
test_create_and_reopen (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistProject) again = NULL;

  g_assert_cmpint (copyist_project_count_products (f->project, &error), ==, 0);
  g_assert_true (copyist_project_check (f->project, &error));
  g_assert_false (copyist_project_can_undo (f->project));
  g_assert_false (copyist_project_can_redo (f->project));
  g_assert_cmpint (copyist_project_get_opened_schema_version (f->project), ==, 0);
  import_sample (f);
  reopen (f);
  g_assert_cmpint (copyist_project_get_opened_schema_version (f->project), ==, COPYIST_PROJECT_SCHEMA_VERSION);
  g_assert_cmpint (copyist_project_count_products (f->project, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_true (copyist_project_can_undo (f->project));
  g_assert_cmpstr (copyist_project_get_undo_label (f->project), ==, "Import 3 products");

  /* Missing file without create. */
  {
    g_autoptr(GFile) missing = g_file_new_build_filename (f->dir, "missing.copyist", NULL);
    again = copyist_project_open (missing, FALSE, &error);
    g_assert_null (again);
    g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "missing.copyist"));
  }
}

static void
test_import_record_roundtrip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistRecord) r = NULL;
  g_autoptr(CopyistRecord) zh = NULL;
  CopyistProductStatus status;

  import_sample (f);
  r = copyist_project_get_record (f->project, id_at (f, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->sku, ==, "A-1");
  g_assert_cmpstr (r->title, ==, "Linen shirt");
  g_assert_cmpstr (r->category, ==, "Shirts");
  g_assert_cmpstr (r->language, ==, "en");
  g_assert_cmpstr (r->description, ==, "A white linen shirt.");
  g_assert_cmpstr (r->source_format, ==, "csv");
  g_assert_cmpstr (copyist_record_get_attribute (r, "color"), ==, "white");
  g_assert_cmpstr (copyist_record_get_attribute (r, "Extra"), ==, "keep me, \"quoted\"\n");
  g_assert_cmpuint (g_strv_length (r->source_headers), ==, 4);
  g_assert_cmpstr (r->source_headers[2], ==, "Colour");
  g_assert_cmpuint (r->source_rows->len, ==, 1);
  g_assert_cmpstr (((char **) r->source_rows->pdata[0])[3], ==, "keep me, \"quoted\"\n");
  g_assert_true (copyist_project_get_status (f->project, r->id, &status, &error));
  g_assert_cmpint (status, ==, COPYIST_PRODUCT_STATUS_NEW);

  zh = copyist_project_get_record (f->project, id_at (f, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (zh->sku, ==, "00123");
  g_assert_cmpstr (zh->language, ==, "zh");
  g_assert_cmpstr (zh->description, ==, "红色真丝围巾。");

  /* Ad copy: stored as one text, split back into headline and body. */
  g_assert_true (copyist_project_set_text (f->project, r->id, COPYIST_FIELD_ADCOPY,
                                           "Cool linen\nBreathes all summer long.", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&r, copyist_record_free);
  r = copyist_project_get_record (f->project, id_at (f, 0), &error);
  g_assert_cmpstr (r->adcopy_headline, ==, "Cool linen");
  g_assert_cmpstr (r->adcopy_body, ==, "Breathes all summer long.");

  g_assert_null (copyist_project_get_record (f->project, 9999, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NO_SUCH_PRODUCT);
}

static void
test_import_report (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  g_autoptr(GError) error = NULL;
  CopyistImportReport report;
  CopyistRecord *empty = copyist_record_new ();

  import_sample (f);
  g_ptr_array_add (records, make_record ("A-1", "Linen shirt v2", "Shirts", "blue", NULL));
  g_ptr_array_add (records, make_record ("B-1", "Cotton tee", "Shirts", "black", NULL));
  g_ptr_array_add (records, make_record ("B-1", "Cotton tee again", "Shirts", "black", NULL));
  g_ptr_array_add (records, empty);
  g_ptr_array_add (records, make_record (NULL, "No SKU hat", "Hats", NULL, NULL));

  copyist_import_report_init (&report);
  g_assert_true (copyist_project_import_records (f->project, records, COPYIST_IMPORT_CREATE_ONLY, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.created, ==, 2);
  g_assert_cmpuint (report.updated, ==, 0);
  g_assert_cmpuint (report.skipped, ==, 3);
  g_assert_cmpuint (report.reasons->len, ==, 3);
  g_assert_cmpstr (report.reasons->pdata[0], ==, "record 1 (SKU A-1): a product with this SKU is already in the project");
  g_assert_cmpstr (report.reasons->pdata[1], ==, "record 3 (SKU B-1): the same SKU appears earlier in this import");
  g_assert_cmpstr (report.reasons->pdata[2], ==, "record 4: empty: no title, SKU or attributes");
  copyist_import_report_clear (&report);
  g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 5);

  /* The import is one undo step. */
  g_assert_true (copyist_project_undo (f->project, &error));
  g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 3);
  g_assert_true (copyist_project_redo (f->project, &error));
  g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 5);
  g_assert_no_error (error);
}

/* Re-import by SKU updates attributes and source but never a hand edit. */
static void
test_reimport_keeps_hand_edits (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistRecord) r = NULL;
  g_autoptr(CopyistRecord) r2 = NULL;
  CopyistFieldState *st;
  CopyistImportReport report;
  gint64 id0, id1;

  import_sample (f);
  id0 = id_at (f, 0);
  id1 = id_at (f, 1);
  g_assert_true (copyist_project_set_text (f->project, id0, COPYIST_FIELD_DESCRIPTION, "My own words.", NULL, &error));
  g_assert_no_error (error);

  g_ptr_array_add (records, make_record ("A-1", "Linen shirt (new)", "Shirts", "blue", "Imported again."));
  g_ptr_array_add (records, make_record ("A-2", "Wool scarf", "Accessories", "charcoal", "Imported scarf text."));
  copyist_import_report_init (&report);
  g_assert_true (copyist_project_import_records (f->project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.updated, ==, 2);
  g_assert_cmpuint (report.created, ==, 0);
  copyist_import_report_clear (&report);

  r = copyist_project_get_record (f->project, id0, &error);
  g_assert_cmpstr (r->title, ==, "Linen shirt (new)");
  g_assert_cmpstr (copyist_record_get_attribute (r, "color"), ==, "blue");
  g_assert_cmpstr (r->description, ==, "My own words.");
  st = copyist_project_get_field (f->project, id0, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_cmpint (st->origin, ==, COPYIST_TEXT_ORIGIN_HAND);
  /* The imported texts are kept as variants. */
  g_assert_cmpuint (st->variants->len, ==, 2);
  g_assert_cmpstr (((CopyistVariant *) st->variants->pdata[1])->text, ==, "Imported again.");
  copyist_field_state_free (st);

  r2 = copyist_project_get_record (f->project, id1, &error);
  g_assert_cmpstr (r2->description, ==, "Imported scarf text.");
  g_assert_cmpint (id_at (f, 0), ==, id0);
}

/* Generation never changes a locked or hand-edited field; it only adds. */
static void
test_locked_and_hand_never_overwritten (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ckpt = g_bytes_new_static ("CKPT", 4);
  const char *gen1[] = { "Generated one.", "Generated two.", NULL };
  const char *gen2[] = { "Generated three.", NULL };
  CopyistFieldState *st;
  gint64 a, b, c, model;

  import_sample (f);
  a = id_at (f, 0);
  b = id_at (f, 1);
  c = id_at (f, 2);
  g_assert_true (copyist_project_add_model (f->project, "m", "vae", COPYIST_FIELD_DESCRIPTION, "en",
                                            ckpt, NULL, &model, &error));
  g_assert_no_error (error);

  g_assert_true (copyist_project_set_text (f->project, a, COPYIST_FIELD_DESCRIPTION, "Hand text.", NULL, &error));
  g_assert_true (copyist_project_set_locked (f->project, b, COPYIST_FIELD_DESCRIPTION, TRUE, &error));
  g_assert_no_error (error);

  for (int round = 0; round < 2; round++)
    {
      g_assert_true (copyist_project_add_variants (f->project, a, COPYIST_FIELD_DESCRIPTION, round ? gen2 : gen1, model, &error));
      g_assert_true (copyist_project_add_variants (f->project, b, COPYIST_FIELD_DESCRIPTION, round ? gen2 : gen1, model, &error));
      g_assert_true (copyist_project_add_variants (f->project, c, COPYIST_FIELD_DESCRIPTION, round ? gen2 : gen1, model, &error));
      g_assert_no_error (error);
    }

  st = copyist_project_get_field (f->project, a, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_cmpstr (st->text, ==, "Hand text.");
  g_assert_cmpint (st->origin, ==, COPYIST_TEXT_ORIGIN_HAND);
  g_assert_cmpuint (st->variants->len, ==, 1 + 3);  /* the imported one and three generated */
  copyist_field_state_free (st);

  st = copyist_project_get_field (f->project, b, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_null (st->text);  /* the scarf had no description: locked keeps "none" */
  g_assert_true (st->locked);
  g_assert_cmpuint (st->variants->len, ==, 3);
  g_assert_cmpint (((CopyistVariant *) st->variants->pdata[0])->model_id, ==, model);
  copyist_field_state_free (st);

  st = copyist_project_get_field (f->project, c, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_cmpstr (st->text, ==, "Generated three.");
  g_assert_cmpint (st->origin, ==, COPYIST_TEXT_ORIGIN_GENERATED);
  copyist_field_state_free (st);

  /* The bulk form follows the same rules. */
  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GPtrArray) texts = g_ptr_array_new ();
    g_array_append_val (ids, a);
    g_array_append_val (ids, b);
    g_array_append_val (ids, c);
    for (int i = 0; i < 3; i++)
      g_ptr_array_add (texts, (gpointer) gen1);
    g_assert_true (copyist_project_add_variants_bulk (f->project, ids, COPYIST_FIELD_DESCRIPTION, texts, 0, &error));
    g_assert_no_error (error);
  }
  st = copyist_project_get_field (f->project, a, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_cmpstr (st->text, ==, "Hand text.");
  copyist_field_state_free (st);
  st = copyist_project_get_field (f->project, b, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_null (st->text);
  copyist_field_state_free (st);
  st = copyist_project_get_field (f->project, c, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_cmpstr (st->text, ==, "Generated one.");
  copyist_field_state_free (st);

  /* Errors: unknown field, unknown model, no texts. */
  g_assert_false (copyist_project_add_variants (f->project, a, "title", gen1, 0, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (copyist_project_add_variants (f->project, a, COPYIST_FIELD_DESCRIPTION, gen1, 777, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (copyist_project_set_text (f->project, 4242, COPYIST_FIELD_DESCRIPTION, "x", NULL, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NO_SUCH_PRODUCT);
}

/* ---- undo/redo of every action kind ---- */

typedef void (*ActionFunc) (Fixture *f);

static gint64 test_model_id;

static void
act_set_text (Fixture *f)
{
  g_assert_true (copyist_project_set_text (f->project, id_at (f, 1), COPYIST_FIELD_DESCRIPTION, "Hand text.", NULL, NULL));
}

static void
act_add_variants (Fixture *f)
{
  const char *texts[] = { "Gen A.", "Gen B.", NULL };
  g_assert_true (copyist_project_add_variants (f->project, id_at (f, 0), COPYIST_FIELD_DESCRIPTION, texts,
                                               test_model_id, NULL));
}

static void
act_add_variants_bulk (Fixture *f)
{
  g_autoptr(GArray) ids = copyist_project_dup_product_ids (f->project, NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < ids->len; i++)
    {
      char *t[] = { g_strdup_printf ("Bulk %u", i), g_strdup ("Second"), NULL };
      g_ptr_array_add (texts, g_strdupv (t));
      g_free (t[0]);
      g_free (t[1]);
    }
  g_assert_true (copyist_project_add_variants_bulk (f->project, ids, COPYIST_FIELD_ADCOPY, texts, 0, NULL));
}

static void
act_choose_variant (Fixture *f)
{
  CopyistFieldState *st = copyist_project_get_field (f->project, id_at (f, 2), COPYIST_FIELD_DESCRIPTION, NULL);
  CopyistVariant *first = st->variants->pdata[0];

  g_assert_true (copyist_project_choose_variant (f->project, id_at (f, 2), COPYIST_FIELD_DESCRIPTION, first->id, NULL));
  copyist_field_state_free (st);
}

static void
act_lock (Fixture *f)
{
  g_assert_true (copyist_project_set_locked (f->project, id_at (f, 0), COPYIST_FIELD_ADCOPY, TRUE, NULL));
}

static void
act_approve (Fixture *f)
{
  g_assert_true (copyist_project_set_approved (f->project, id_at (f, 0), COPYIST_FIELD_DESCRIPTION, TRUE, NULL));
}

static void
act_approve_bulk (Fixture *f)
{
  g_autoptr(GArray) ids = copyist_project_dup_product_ids (f->project, NULL);
  g_assert_true (copyist_project_set_approved_bulk (f->project, ids, COPYIST_FIELD_DESCRIPTION, TRUE, NULL));
}

static void
act_lock_bulk (Fixture *f)
{
  g_autoptr(GArray) ids = copyist_project_dup_product_ids (f->project, NULL);
  g_assert_true (copyist_project_set_locked_bulk (f->project, ids, COPYIST_FIELD_DESCRIPTION, TRUE, NULL));
}

static void
act_set_attribute (Fixture *f)
{
  g_assert_true (copyist_project_set_attribute (f->project, id_at (f, 1), "material", "merino", NULL));
  g_assert_true (copyist_project_undo (f->project, NULL));
  g_assert_true (copyist_project_redo (f->project, NULL));
}

static void
act_set_title (Fixture *f)
{
  g_assert_true (copyist_project_set_attribute (f->project, id_at (f, 1), "title", "Merino scarf", NULL));
}

static void
act_delete (Fixture *f)
{
  g_autoptr(GArray) ids = copyist_project_dup_product_ids (f->project, NULL);
  g_array_remove_index (ids, 1);
  g_assert_true (copyist_project_delete_products (f->project, ids, NULL));
  g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 1);
}

static void
act_import (Fixture *f)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  g_ptr_array_add (records, make_record ("A-1", "Linen shirt (2)", "Shirts", "blue", "Newer import."));
  g_ptr_array_add (records, make_record ("C-9", "Hat", "Hats", "tan", NULL));
  g_assert_true (copyist_project_import_records (f->project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, NULL));
}

static void
act_typing_merged (Fixture *f)
{
  gint64 id = id_at (f, 0);
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "T", "typing-1", NULL));
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "Ty", "typing-1", NULL));
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "Typ", "typing-1", NULL));
}

typedef struct {
  const char *name;
  ActionFunc  func;
} ActionCase;

static const ActionCase action_cases[] = {
  { "set-text", act_set_text },
  { "typing-merged", act_typing_merged },
  { "add-variants", act_add_variants },
  { "add-variants-bulk", act_add_variants_bulk },
  { "choose-variant", act_choose_variant },
  { "lock", act_lock },
  { "lock-bulk", act_lock_bulk },
  { "approve", act_approve },
  { "approve-bulk", act_approve_bulk },
  { "set-attribute", act_set_attribute },
  { "set-title", act_set_title },
  { "delete", act_delete },
  { "import", act_import },
};

static void
prepare_state (Fixture *f)
{
  const char *gen[] = { "Earlier generated.", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ckpt = g_bytes_new_static ("X", 1);

  import_sample (f);
  g_assert_true (copyist_project_add_model (f->project, "m", "gan", COPYIST_FIELD_DESCRIPTION, "en",
                                            ckpt, "{}", &test_model_id, &error));
  g_assert_true (copyist_project_add_variants (f->project, id_at (f, 2), COPYIST_FIELD_DESCRIPTION, gen, 0, &error));
  g_assert_no_error (error);
}

static void
test_undo_redo_action (Fixture *f, gconstpointer data)
{
  const ActionCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *s = NULL;
  guint undone = 0;

  prepare_state (f);
  before = dump_state (f->project);
  c->func (f);
  after = dump_state (f->project);
  g_assert_cmpstr (before, !=, after);
  g_assert_true (copyist_project_can_undo (f->project));
  g_assert_false (copyist_project_can_redo (f->project));

  for (int round = 0; round < 2; round++)
    {
      g_assert_true (copyist_project_undo (f->project, &error));
      g_assert_no_error (error);
      s = dump_state (f->project);
      g_assert_cmpstr (s, ==, before);
      g_clear_pointer (&s, g_free);
      g_assert_true (copyist_project_can_redo (f->project));
      g_assert_true (copyist_project_redo (f->project, &error));
      g_assert_no_error (error);
      s = dump_state (f->project);
      g_assert_cmpstr (s, ==, after);
      g_clear_pointer (&s, g_free);
    }

  /* Across closing and reopening the project. */
  reopen (f);
  s = dump_state (f->project);
  g_assert_cmpstr (s, ==, after);
  g_clear_pointer (&s, g_free);
  g_assert_true (copyist_project_undo (f->project, &error));
  reopen (f);
  s = dump_state (f->project);
  g_assert_cmpstr (s, ==, before);
  g_clear_pointer (&s, g_free);
  g_assert_true (copyist_project_redo (f->project, &error));
  reopen (f);
  s = dump_state (f->project);
  g_assert_cmpstr (s, ==, after);
  g_clear_pointer (&s, g_free);
  g_assert_false (copyist_project_redo (f->project, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_NOTHING_TO_UNDO);
  g_clear_error (&error);

  /* Undo everything back to the empty project, then redo it all. */
  while (copyist_project_can_undo (f->project))
    {
      g_assert_true (copyist_project_undo (f->project, &error));
      g_assert_no_error (error);
      undone++;
    }
  g_assert_cmpuint (undone, >=, 3);
  g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 0);
  while (copyist_project_can_redo (f->project))
    g_assert_true (copyist_project_redo (f->project, &error));
  s = dump_state (f->project);
  g_assert_cmpstr (s, ==, after);
}

static void
test_merge_key (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  CopyistFieldState *st;
  gint64 id;

  import_sample (f);
  id = id_at (f, 1);
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "a", "k1", &error));
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "ab", "k1", &error));
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "abc", "k2", &error));
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "abcd", "k2", &error));
  g_assert_cmpstr (copyist_project_get_undo_label (f->project), ==, "Edit description");

  g_assert_true (copyist_project_undo (f->project, &error));
  st = copyist_project_get_field (f->project, id, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_cmpstr (st->text, ==, "ab");
  copyist_field_state_free (st);
  g_assert_true (copyist_project_undo (f->project, &error));
  st = copyist_project_get_field (f->project, id, COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_null (st->text);
  g_assert_cmpint (st->origin, ==, COPYIST_TEXT_ORIGIN_NONE);
  copyist_field_state_free (st);
  /* After an undo, the same key does not merge into the undone step. */
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_DESCRIPTION, "x", "k1", &error));
  g_assert_false (copyist_project_can_redo (f->project));
  g_assert_true (copyist_project_undo (f->project, &error));
  g_assert_cmpstr (copyist_project_get_undo_label (f->project), ==, "Import 3 products");
  g_assert_no_error (error);
}

static void
notify_count_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(int *) user_data)++;
}

static void
changed_cb (CopyistProject *project, GArray *ids, gpointer user_data)
{
  GArray *seen = user_data;
  gint64 marker = -1;

  if (ids == NULL)
    g_array_append_val (seen, marker);
  else
    g_array_append_vals (seen, ids->data, ids->len);
}

static void
test_signals (Fixture *f, gconstpointer data)
{
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  int can_undo_notifies = 0;
  gint64 id;

  g_signal_connect (f->project, "notify::can-undo", G_CALLBACK (notify_count_cb), &can_undo_notifies);
  g_signal_connect (f->project, "products-changed", G_CALLBACK (changed_cb), seen);
  import_sample (f);
  g_assert_cmpint (can_undo_notifies, ==, 1);
  g_assert_cmpuint (seen->len, ==, 3);
  id = id_at (f, 1);
  g_array_set_size (seen, 0);
  g_assert_true (copyist_project_set_approved (f->project, id, COPYIST_FIELD_DESCRIPTION, TRUE, NULL));
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpint (g_array_index (seen, gint64, 0), ==, id);
  /* A failing action emits nothing. */
  g_array_set_size (seen, 0);
  g_assert_false (copyist_project_set_approved (f->project, 31337, COPYIST_FIELD_DESCRIPTION, TRUE, NULL));
  g_assert_cmpuint (seen->len, ==, 0);
}

static void
test_status_derivation (Fixture *f, gconstpointer data)
{
  const char *gen[] = { "G.", NULL };
  CopyistProductStatus status;
  gint64 id;

  import_sample (f);
  id = id_at (f, 1);
  g_assert_true (copyist_project_get_status (f->project, id, &status, NULL));
  g_assert_cmpint (status, ==, COPYIST_PRODUCT_STATUS_NEW);
  g_assert_true (copyist_project_add_variants (f->project, id, COPYIST_FIELD_DESCRIPTION, gen, 0, NULL));
  g_assert_true (copyist_project_get_status (f->project, id, &status, NULL));
  g_assert_cmpint (status, ==, COPYIST_PRODUCT_STATUS_GENERATED);
  g_assert_true (copyist_project_set_text (f->project, id, COPYIST_FIELD_ADCOPY, "H\nB", NULL, NULL));
  g_assert_true (copyist_project_get_status (f->project, id, &status, NULL));
  g_assert_cmpint (status, ==, COPYIST_PRODUCT_STATUS_EDITED);
  g_assert_true (copyist_project_set_approved (f->project, id, COPYIST_FIELD_DESCRIPTION, TRUE, NULL));
  g_assert_true (copyist_project_get_status (f->project, id, &status, NULL));
  g_assert_cmpint (status, ==, COPYIST_PRODUCT_STATUS_EDITED);
  g_assert_true (copyist_project_set_approved (f->project, id, COPYIST_FIELD_ADCOPY, TRUE, NULL));
  g_assert_true (copyist_project_get_status (f->project, id, &status, NULL));
  g_assert_cmpint (status, ==, COPYIST_PRODUCT_STATUS_APPROVED);
  {
    g_autoptr(GPtrArray) approved = copyist_project_dup_records (f->project, NULL, TRUE, NULL);
    g_assert_cmpuint (approved->len, ==, 1);
    g_assert_cmpint (((CopyistRecord *) approved->pdata[0])->id, ==, id);
  }
}

static void
test_models_runs_meta (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ckpt = g_bytes_new ("\0\1\2checkpoint\0", 14);
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *mapping = NULL;
  gint64 model, run;
  CopyistRunInfo *info;

  g_assert_true (copyist_project_add_model (f->project, "Descriptions", "vae", COPYIST_FIELD_DESCRIPTION, "en",
                                            ckpt, "{\"bleu\":0.3}", &model, &error));
  g_assert_no_error (error);
  g_assert_false (copyist_project_add_model (f->project, "x", "transformer", COPYIST_FIELD_DESCRIPTION, "en",
                                             ckpt, NULL, NULL, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID);
  g_clear_error (&error);
  back = copyist_project_dup_model_bytes (f->project, model, &error);
  g_assert_true (g_bytes_equal (back, ckpt));
  g_assert_true (copyist_project_add_run (f->project, "vae", COPYIST_FIELD_DESCRIPTION, &run, &error));
  g_assert_true (copyist_project_update_run (f->project, run, NULL, "[{\"epoch\":1,\"xent\":3.2}]", NULL, 0, &error));
  g_assert_true (copyist_project_update_run (f->project, run, "finished", NULL, "{\"bleu\":0.3}", model, &error));
  g_assert_no_error (error);
  g_assert_false (copyist_project_update_run (f->project, run + 100, "finished", NULL, NULL, 0, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (copyist_project_set_meta (f->project, "default-model", "1", &error));
  g_assert_true (copyist_project_save_mapping (f->project, "csv", "SKU\x1fName", "{\"title\":\"Name\"}", &error));
  reopen (f);
  models = copyist_project_list_models (f->project, &error);
  g_assert_cmpuint (models->len, ==, 1);
  g_assert_cmpstr (((CopyistModelInfo *) models->pdata[0])->kind, ==, "vae");
  g_assert_cmpint (((CopyistModelInfo *) models->pdata[0])->size, ==, 14);
  runs = copyist_project_list_runs (f->project, 5, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  info = runs->pdata[0];
  g_assert_cmpstr (info->status, ==, "finished");
  g_assert_cmpint (info->model_id, ==, model);
  g_assert_cmpstr (info->curve_json, ==, "[{\"epoch\":1,\"xent\":3.2}]");
  g_assert_cmpint (info->finished, >=, info->started);
  meta = copyist_project_get_meta (f->project, "default-model", &error);
  g_assert_cmpstr (meta, ==, "1");
  mapping = copyist_project_load_mapping (f->project, "csv", "SKU\x1fName", &error);
  g_assert_cmpstr (mapping, ==, "{\"title\":\"Name\"}");
  g_assert_null (copyist_project_load_mapping (f->project, "xlsx", "SKU\x1fName", &error));
  g_assert_no_error (error);

  /* Deleting a model keeps texts it wrote (model id cleared), and undo of
   * an older generation still restores (the model reference becomes 0). */
  {
    const char *gen[] = { "By the model.", NULL };
    CopyistFieldState *st;
    import_sample (f);
    g_assert_true (copyist_project_add_variants (f->project, id_at (f, 1), COPYIST_FIELD_DESCRIPTION, gen, model, &error));
    g_assert_true (copyist_project_set_text (f->project, id_at (f, 1), COPYIST_FIELD_DESCRIPTION, "hand", NULL, &error));
    g_assert_true (copyist_project_delete_model (f->project, model, &error));
    g_assert_true (copyist_project_undo (f->project, &error));
    g_assert_no_error (error);
    st = copyist_project_get_field (f->project, id_at (f, 1), COPYIST_FIELD_DESCRIPTION, &error);
    g_assert_cmpstr (st->text, ==, "By the model.");
    g_assert_cmpint (((CopyistVariant *) st->variants->pdata[0])->model_id, ==, 0);
    copyist_field_state_free (st);
  }
}

/* ---- files that are not (usable) projects ---- */

static char *
read_bytes (const char *path, gsize *len)
{
  char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  return contents;
}

static void
assert_refused (const char *path, int code, const char *fragment)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len = 0, after_len = 0;

  before = read_bytes (path, &before_len);
  project = copyist_project_open (file, TRUE, &error);
  g_assert_null (project);
  g_assert_error (error, COPYIST_PROJECT_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message “%s” does not mention “%s”", error->message, fragment);
  after = read_bytes (path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_not_a_project (Fixture *f, gconstpointer data)
{
  g_autofree char *text = g_build_filename (f->dir, "notes.copyist", NULL);
  g_autofree char *png = g_build_filename (f->dir, "image.copyist", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.sqlite", NULL);
  g_autofree char *truncated = g_build_filename (f->dir, "truncated.copyist", NULL);
  g_autofree char *corrupt = g_build_filename (f->dir, "corrupt.copyist", NULL);
  g_autofree char *newer = g_build_filename (f->dir, "newer.copyist", NULL);
  static const guint8 png_bytes[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_autofree char *good = NULL;
  gsize good_len = 0;
  sqlite3 *db;

  g_assert_true (g_file_set_contents (text, "title,sku\nShirt,1\n", -1, NULL));
  assert_refused (text, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "not an SQLite database");
  g_assert_true (g_file_set_contents (png, (const char *) png_bytes, sizeof png_bytes, NULL));
  assert_refused (png, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "not an SQLite database");

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused (other, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "not a Copyist project");

  /* A real project, checkpointed, then damaged in three ways. */
  import_sample (f);
  g_assert_true (copyist_project_close (f->project, NULL));
  good = read_bytes (f->path, &good_len);
  g_assert_cmpuint (good_len, >, 4096);

  g_assert_true (g_file_set_contents (truncated, good, 60, NULL));
  assert_refused (truncated, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "truncated");

  /* Garbage over the schema page (page 1 after the 100-byte header). */
  {
    g_autofree char *bad = g_memdup2 (good, good_len);
    for (gsize i = 100; i < 4096; i++)
      bad[i] = (char) (i * 7 + 3);
    g_assert_true (g_file_set_contents (corrupt, bad, (gssize) good_len, NULL));
    assert_refused (corrupt, COPYIST_PROJECT_ERROR_CORRUPT, "damaged");
  }

  /* Garbage in the middle of the file: it may open (only the header and
   * schema are read), but reading the damage gives CORRUPT, never a crash,
   * and the check finds it. */
  {
    g_autofree char *bad = g_memdup2 (good, good_len);
    g_autofree char *middle = g_build_filename (f->dir, "middle.copyist", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (middle);
    g_autoptr(GError) local = NULL;
    g_autoptr(CopyistProject) damaged = NULL;

    for (gsize i = 4096; i < good_len; i++)
      bad[i] = (char) (i * 13 + 1);
    g_assert_true (g_file_set_contents (middle, bad, (gssize) good_len, NULL));
    damaged = copyist_project_open (file, FALSE, &local);
    if (damaged != NULL)
      {
        g_autoptr(GPtrArray) records = copyist_project_dup_records (damaged, NULL, FALSE, &local);
        if (records != NULL)
          {
            g_assert_false (copyist_project_check (damaged, &local));
            g_assert_error (local, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_CORRUPT);
          }
      }
    g_assert_nonnull (local);
    g_assert_true (local->domain == COPYIST_PROJECT_ERROR);
    g_assert_true (local->code == COPYIST_PROJECT_ERROR_CORRUPT || local->code == COPYIST_PROJECT_ERROR_NOT_A_PROJECT);
    g_assert_nonnull (strstr (local->message, "middle.copyist"));
    g_test_message ("damaged in the middle: %s", local->message);
  }

  /* A newer schema version: refused, untouched. */
  g_assert_true (g_file_set_contents (newer, good, (gssize) good_len, NULL));
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused (newer, COPYIST_PROJECT_ERROR_TOO_NEW, "newer version of Copyist");

  /* Found by tests/fuzz/fuzz-project (corpus/project/timeout-view-history.sql,
   * timeout-trigger-history.sql): a view in place of one of our tables made
   * opening loop forever, a trigger on history made the first edit loop
   * forever. Copyist never writes views or triggers: such a file is
   * refused before any of its SQL runs, and left untouched (assert_refused). */
  {
    static const char *const hostile[] = {
      "DROP TABLE history_items; DROP TABLE history; CREATE VIEW history AS WITH RECURSIVE c(x) AS "
      "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS id, 'import' AS kind, '' AS label, "
      "NULL AS merge_key, 0 AS created, 0 AS undone FROM c;",
      "CREATE TRIGGER slow AFTER INSERT ON history BEGIN SELECT count(*) FROM (WITH RECURSIVE c(x) AS "
      "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c); END;",
    };
    for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
      {
        g_autofree char *path = g_strdup_printf ("%s/hostile-%u.copyist", f->dir, i);
        g_assert_true (g_file_set_contents (path, good, (gssize) good_len, NULL));
        g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_exec (db, hostile[i], NULL, NULL, NULL), ==, SQLITE_OK);
        sqlite3_close (db);
        assert_refused (path, COPYIST_PROJECT_ERROR_NOT_A_PROJECT, "views or triggers");
      }
  }

  /* Stored source rows are JSON: empty (no root at all) or nested 100 000
   * deep they are skipped (the record has no source rows), never a
   * critical or a stack overflow. */
  {
    g_autofree char *path = g_strdup_printf ("%s/hostile-json.copyist", f->dir);
    g_autofree char *deep = g_strnfill (100000, '[');
    g_autofree char *sql = g_strdup_printf ("UPDATE products SET source_headers = '', source_rows = '%s'", deep);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GError) local = NULL;
    g_assert_true (g_file_set_contents (path, good, (gssize) good_len, NULL));
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    g_autoptr(CopyistProject) hostile = copyist_project_open (file, FALSE, &local);
    g_assert_no_error (local);
    g_autoptr(GPtrArray) records = copyist_project_dup_records (hostile, NULL, FALSE, &local);
    g_assert_no_error (local);
    g_assert_cmpuint (records->len, >, 0);
    for (guint i = 0; i < records->len; i++)
      {
        CopyistRecord *r = g_ptr_array_index (records, i);
        g_assert_null (r->source_headers);
        g_assert_cmpuint (r->source_rows->len, ==, 0);
      }
  }
}

/* A project written by schema version 1 (tests/data/project-v1.sql) is
 * migrated on open: search text filled in, mapping table there, history kept. */
static void
test_migration_v1 (Fixture *f, gconstpointer data)
{
  g_autofree char *sql_path = g_build_filename (TEST_DATA_DIR, "project-v1.sql", NULL);
  g_autofree char *old = g_build_filename (f->dir, "old.copyist", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (old);
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistProject) project = NULL;
  g_autoptr(CopyistRecord) r = NULL;
  sqlite3_stmt *stmt;
  sqlite3 *db;
  int n = 0;

  g_assert_true (g_file_get_contents (sql_path, &sql, NULL, &error));
  g_assert_cmpint (sqlite3_open (old, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  project = copyist_project_open (file, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (copyist_project_get_opened_schema_version (project), ==, 1);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 3);
  r = copyist_project_get_record (project, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->title, ==, "羊毛围巾");
  g_assert_cmpstr (r->description, ==, "柔软的羊毛围巾，灰色。");
  g_assert_cmpstr (copyist_record_get_attribute (r, "color"), ==, "灰色");
  g_assert_true (copyist_project_save_mapping (project, "csv", "sig", "{}", &error));
  g_assert_no_error (error);
  g_assert_true (copyist_project_close (project, NULL));

  g_assert_cmpint (sqlite3_open (old, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM products WHERE instr (search, 'linen') > 0", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, COPYIST_PROJECT_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (n, ==, 2);

  /* The v1 history (an import) still undoes after the migration. */
  g_clear_object (&project);
  project = copyist_project_open (file, FALSE, &error);
  g_assert_true (copyist_project_can_undo (project));
  g_assert_true (copyist_project_undo (project, &error));
  g_assert_no_error (error);
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 0);
  g_assert_true (copyist_project_redo (project, &error));
  g_assert_cmpint (copyist_project_count_products (project, NULL), ==, 3);
  g_clear_pointer (&r, copyist_record_free);
  r = copyist_project_get_record (project, 2, &error);
  g_assert_cmpstr (r->description, ==, "柔软的羊毛围巾，灰色。");
}

/* ---- writes in the job pool ---- */

typedef struct {
  gboolean done;
  gboolean ok;
  GError *error;
  CopyistImportReport report;
  guint progress_calls;
} WriteWait;

static void
write_progress_cb (double fraction, double eta, const char *payload, gpointer user_data)
{
  WriteWait *w = user_data;
  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  w->progress_calls++;
}

static void
write_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteWait *w = user_data;
  w->ok = copyist_project_write_finish (COPYIST_PROJECT (source), result, &w->report, &w->error);
  w->done = TRUE;
}

static void
write_wait (WriteWait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static GPtrArray *
many_records (guint n)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *sku = g_strdup_printf ("SKU-%05u", i);
      g_autofree char *title = g_strdup_printf ("Linen shirt no. %u", i);
      g_ptr_array_add (records, make_record (sku, title, "Shirts", i % 2 ? "white" : "blue", NULL));
    }
  return records;
}

static void
test_background_writes (Fixture *f, gconstpointer data)
{
  g_autoptr(CopyistJobPool) pool = copyist_job_pool_new (2);
  g_autoptr(GPtrArray) records = many_records (3000);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  WriteWait w = { 0 };
  const char *steps[] = { "undo", "redo" };

  g_signal_connect (f->project, "products-changed", G_CALLBACK (changed_cb), seen);
  copyist_import_report_init (&w.report);
  copyist_project_import_records_async (f->project, pool, records, COPYIST_IMPORT_UPDATE_OR_CREATE,
                                        write_progress_cb, &w, NULL, write_done_cb, &w);
  /* While the job writes, the window's project refuses actions at once. */
  g_assert_true (copyist_project_is_busy (f->project));
  g_assert_false (copyist_project_undo (f->project, &error));
  g_assert_error (error, COPYIST_PROJECT_ERROR, COPYIST_PROJECT_ERROR_BUSY);
  g_clear_error (&error);
  write_wait (&w);
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_false (copyist_project_is_busy (f->project));
  g_assert_cmpuint (w.report.created, ==, 3000);
  g_assert_cmpuint (w.progress_calls, >=, 1);
  copyist_import_report_clear (&w.report);
  /* The main connection sees it all: count, undo state, a "changed all". */
  g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 3000);
  g_assert_true (copyist_project_can_undo (f->project));
  g_assert_cmpstr (copyist_project_get_undo_label (f->project), ==, "Import 3000 products");
  g_assert_cmpint (copyist_project_count_undo_products (f->project, FALSE), ==, 3000);
  g_assert_cmpint (copyist_project_count_undo_products (f->project, TRUE), ==, 0);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpint (g_array_index (seen, gint64, 0), ==, -1);

  /* Undo and redo of the whole import, in the pool too. */
  for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
    {
      memset (&w, 0, sizeof w);
      copyist_import_report_init (&w.report);
      copyist_project_undo_async (f->project, pool, k == 1, NULL, NULL, NULL, write_done_cb, &w);
      write_wait (&w);
      g_assert_no_error (w.error);
      g_assert_true (w.ok);
      copyist_import_report_clear (&w.report);
      g_test_message ("%s done", steps[k]);
      g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, k == 0 ? 0 : 3000);
      g_assert_cmpint (copyist_project_can_redo (f->project), ==, k == 0);
    }

  /* Cancelled before it starts: nothing stored, the project intact. */
  {
    g_autoptr(GCancellable) cancel = g_cancellable_new ();
    g_autoptr(GPtrArray) more = many_records (4000);

    memset (&w, 0, sizeof w);
    copyist_import_report_init (&w.report);
    g_cancellable_cancel (cancel);
    copyist_project_import_records_async (f->project, pool, more, COPYIST_IMPORT_CREATE_ONLY,
                                          NULL, NULL, cancel, write_done_cb, &w);
    write_wait (&w);
    g_assert_false (w.ok);
    g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&w.error);
    copyist_import_report_clear (&w.report);
    g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 3000);
    g_assert_cmpstr (copyist_project_get_undo_label (f->project), ==, "Import 3000 products");
    g_assert_true (copyist_project_check (f->project, &error));
    g_assert_no_error (error);
  }
  /* And the main thread writes again afterwards. */
  g_assert_true (copyist_project_undo (f->project, &error));
  g_assert_no_error (error);
  g_assert_cmpint (copyist_project_count_products (f->project, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/app/project/create-and-reopen", test_create_and_reopen);
  ADD ("/app/project/import/record-roundtrip", test_import_record_roundtrip);
  ADD ("/app/project/import/report", test_import_report);
  ADD ("/app/project/import/reimport-keeps-hand-edits", test_reimport_keeps_hand_edits);
  ADD ("/app/project/texts/locked-and-hand-never-overwritten", test_locked_and_hand_never_overwritten);
  ADD ("/app/project/texts/status", test_status_derivation);
  ADD ("/app/project/history/merge-key", test_merge_key);
  ADD ("/app/project/history/signals", test_signals);
  ADD ("/app/project/background-writes", test_background_writes);
  ADD ("/app/project/models-runs-meta", test_models_runs_meta);
  ADD ("/app/project/open/not-a-project", test_not_a_project);
  ADD ("/app/project/open/migration-v1", test_migration_v1);
  for (guint i = 0; i < G_N_ELEMENTS (action_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/app/project/history/undo-redo/%s", action_cases[i].name);
      g_test_add (path, Fixture, &action_cases[i], fixture_setup, test_undo_redo_action, fixture_teardown);
    }
#undef ADD
  return g_test_run ();
}
