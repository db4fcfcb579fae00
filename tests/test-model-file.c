/* test-model-file.c — model files to and from a project, and the language
 * a generation job writes in (app/copyist-model-file.c, copyist-generator.c) */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "copyist-generator.h"
#include "copyist-model-file.h"
#include "copyist-project.h"
#include "test-util.h"

typedef struct {
  char *dir;
  CopyistProject *project;
  GFile *model_file;    /* the description model installed with Copyist */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("copyist-test-mf-XXXXXX", NULL);
  path = g_build_filename (f->dir, "p.copyist", NULL);
  file = g_file_new_for_path (path);
  f->project = copyist_project_open (file, TRUE, &error);
  g_assert_no_error (error);
  f->model_file = g_file_new_build_filename (SOURCE_DATADIR, "models", "default-description.cpmodel", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  copyist_project_close (f->project, NULL);
  g_clear_object (&f->project);
  g_clear_object (&f->model_file);
  copyist_test_remove_tree (f->dir);
  g_free (f->dir);
}

static guint
n_models (CopyistProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = copyist_project_list_models (project, &error);

  g_assert_no_error (error);
  return models->len;
}

/* Load from disk, store for a field, save back: the same bytes. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistModelFile) model = NULL;
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autofree char *out_path = g_build_filename (f->dir, "saved.cpmodel", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autofree char *contents = NULL;
  gsize len = 0;
  gint64 id = 0;
  CopyistModelInfo *info;

  model = copyist_model_file_read (f->model_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_cmpstr (model->name, ==, "default-description");
  g_assert_true (g_str_equal (model->kind, "vae") || g_str_equal (model->kind, "gan"));
  g_assert_true (g_str_equal (model->language, "en") || g_str_equal (model->language, "zh"));
  g_assert_cmpuint (g_bytes_get_size (model->bytes), >, 1000);

  g_assert_true (copyist_model_file_store (model, f->project, COPYIST_FIELD_ADCOPY, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  models = copyist_project_list_models (f->project, &error);
  g_assert_cmpuint (models->len, ==, 1);
  info = g_ptr_array_index (models, 0);
  g_assert_cmpint (info->id, ==, id);
  g_assert_cmpstr (info->field, ==, COPYIST_FIELD_ADCOPY);
  g_assert_cmpstr (info->name, ==, "default-description");
  g_assert_cmpstr (info->kind, ==, model->kind);
  g_assert_cmpstr (info->language, ==, model->language);

  stored = copyist_project_dup_model_bytes (f->project, id, &error);
  g_assert_no_error (error);
  g_assert_true (copyist_model_file_write (stored, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out_path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (model->bytes, NULL), g_bytes_get_size (model->bytes));

  /* A job in the pool would be cancelled when the window closes. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(CopyistModelFile) none = NULL;
    g_cancellable_cancel (cancellable);
    none = copyist_model_file_read (f->model_file, cancellable, &error);
    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

static void
assert_refused (Fixture *f, const char *name, const void *bytes, gsize len, const char *what)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistModelFile) model = NULL;

  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
  model = copyist_model_file_read (file, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_BAD_MODEL);
  g_test_message ("%s: %s", name, error->message);
  /* The message names the file and says what is wrong. */
  g_assert_nonnull (strstr (error->message, name));
  g_assert_null (strstr (error->message, "copyist-model-"));  /* no temporary file's name */
  if (what != NULL)
    g_assert_nonnull (strstr (error->message, what));
  g_assert_cmpuint (n_models (f->project), ==, 0);
}

/* Damaged, truncated, empty and foreign files are refused with a message
 * naming the file; nothing reaches the project. */
static void
test_bad_files (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) good = g_file_load_bytes (f->model_file, NULL, NULL, NULL);
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (good, &len);
  g_autofree guint8 *flipped = g_memdup2 (bytes, len);
  const char csv[] = "sku,title\n1,Shirt\n";
  g_autofree char *missing = g_build_filename (f->dir, "missing.cpmodel", NULL);
  g_autoptr(GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr(GError) error = NULL;
  g_autoptr(CopyistModelFile) none = NULL;

  g_assert_cmpuint (len, >, 1000);
  assert_refused (f, "empty.cpmodel", "", 0, "empty");
  assert_refused (f, "truncated.cpmodel", bytes, len / 2, "truncated");
  assert_refused (f, "shop.csv", csv, sizeof csv - 1, "not a Copyist");
  /* One byte changed in the middle of the weights. */
  flipped[len / 2] ^= 0x5a;
  assert_refused (f, "flipped.cpmodel", flipped, len, "CRC");

  none = copyist_model_file_read (missing_file, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* The language preference: "en"/"zh" picks the newest model for the field
 * trained on texts in that language when the project has one; "auto"
 * keeps the newest model; a named model is kept; a bad value is refused. */
static void
test_language (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes (f->model_file, NULL, NULL, &error);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  CopyistRecord *r = copyist_record_new ();
  gint64 en_id = 0, zh_id = 0;
  const char *const languages[] = { "auto", "en", "zh" };

  g_assert_no_error (error);
  r->sku = g_strdup ("S-1");
  r->title = g_strdup ("Linen Shirt");
  r->category = g_strdup ("Shirts");
  r->language = g_strdup ("en");
  r->attributes = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_attribute_free);
  copyist_record_set_attribute (r, COPYIST_KEY_COLOR, "White");
  g_ptr_array_add (records, r);
  g_assert_true (copyist_project_import_records (f->project, records, COPYIST_IMPORT_CREATE_ONLY, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (copyist_project_add_model (f->project, "zh", "vae", COPYIST_FIELD_DESCRIPTION, "zh", bytes, NULL,
                                            &zh_id, &error));
  g_assert_true (copyist_project_add_model (f->project, "en", "vae", COPYIST_FIELD_DESCRIPTION, "en", bytes, NULL,
                                            &en_id, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autoptr(CopyistGenerateJob) job = copyist_generate_job_new (f->project, COPYIST_FIELD_DESCRIPTION, 0, NULL,
                                                                    FALSE, 1, &error);
      g_assert_no_error (error);
      /* The newest model for the field first. */
      g_assert_cmpint (copyist_generate_job_get_model_id (job), ==, en_id);
      g_assert_true (copyist_generate_job_set_language (job, f->project, languages[i], &error));
      g_assert_no_error (error);
      g_assert_cmpint (copyist_generate_job_get_model_id (job), ==, g_str_equal (languages[i], "zh") ? zh_id : en_id);
      /* The job still writes (in whichever language the model manages). */
      g_assert_true (copyist_generate_job_run (job, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_nonnull (copyist_generate_job_get_texts (job, 0, NULL));
      g_assert_nonnull (copyist_generate_job_get_texts (job, 0, NULL)[0]);
    }
  {
    g_autoptr(CopyistGenerateJob) job = copyist_generate_job_new (f->project, COPYIST_FIELD_DESCRIPTION, en_id, NULL,
                                                                  FALSE, 1, &error);
    g_assert_true (copyist_generate_job_set_language (job, f->project, "zh", &error));
    g_assert_cmpint (copyist_generate_job_get_model_id (job), ==, en_id);
    g_assert_false (copyist_generate_job_set_language (job, f->project, "fr", &error));
    g_assert_error (error, COPYIST_GENERATOR_ERROR, COPYIST_GENERATOR_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "fr"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/model-file/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/model-file/bad-files", Fixture, NULL, fixture_setup, test_bad_files, fixture_teardown);
  g_test_add ("/model-file/language", Fixture, NULL, fixture_setup, test_language, fixture_teardown);
  return g_test_run ();
}
