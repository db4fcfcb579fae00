/* test-job-pool.c — the job pool: results, progress on the main context,
 * cancel, stale results dropped (owner gone, superseded), BLAS threads. */
#include "config.h"

#include <glib/gstdio.h>

#include "copyist-job-pool.h"
#include "copyist-project.h"
#include "engine.h"

static GThread *main_thread;

typedef struct {
  int      n;          /* steps */
  int      sleep_us;   /* per step */
  gboolean until_cancelled;
  gint    *data_freed; /* counts data_free calls */
} JobInput;

static void
job_input_free (gpointer data)
{
  JobInput *in = data;
  if (in->data_freed != NULL)
    g_atomic_int_inc (in->data_freed);
  g_free (in);
}

static gint results_freed;

static void
result_free (gpointer data)
{
  g_atomic_int_inc (&results_freed);
  g_free (data);
}

/* Sums 1..n, reporting progress with a payload; or spins until cancelled. */
static gpointer
counting_job (CopyistJob *job, gpointer data, GError **error)
{
  JobInput *in = data;
  gint64 *sum = g_new0 (gint64, 1);

  g_assert_true (g_thread_self () != main_thread);
  for (int i = 1; in->until_cancelled || i <= in->n; i++)
    {
      char payload[64];
      if (copyist_job_set_cancelled_error (job, error))
        {
          g_free (sum);
          return NULL;
        }
      *sum += i;
      g_snprintf (payload, sizeof payload, "{\"step\":%d}", i);
      copyist_job_report_progress (job, in->until_cancelled ? 0.5 : (double) i / in->n, payload);
      g_usleep ((gulong) in->sleep_us);
    }
  return sum;
}

typedef struct {
  GMainLoop *loop;
  int        callbacks;
  gint64     sum;
  GError    *error;
  int        progress_calls;
  double     last_fraction;
  double     last_eta;
  char      *last_payload;
  gboolean   monotonic;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->loop, g_main_loop_unref);
  g_clear_error (&o->error);
  g_clear_pointer (&o->last_payload, g_free);
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Outcome *o = user_data;
  gint64 *sum;

  g_assert_true (g_thread_self () == main_thread);
  sum = copyist_job_pool_run_finish (COPYIST_JOB_POOL (source), result, &o->error);
  if (sum != NULL)
    o->sum = *sum;
  g_free (sum);
  o->callbacks++;
  if (o->loop != NULL)
    g_main_loop_quit (o->loop);
}

static void
progress_cb (double fraction, double eta, const char *payload, gpointer user_data)
{
  Outcome *o = user_data;

  g_assert_true (g_thread_self () == main_thread);
  if (fraction < o->last_fraction)
    o->monotonic = FALSE;
  o->progress_calls++;
  o->last_fraction = fraction;
  o->last_eta = eta;
  g_free (o->last_payload);
  o->last_payload = g_strdup (payload);
}

static CopyistJobSpec
spec_for (JobInput *in, Outcome *o)
{
  CopyistJobSpec spec = {
    .name = "count", .func = counting_job, .data = in, .data_free = job_input_free,
    .result_free = result_free, .progress = progress_cb, .progress_data = o,
  };
  return spec;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("job pool test timed out");
  return G_SOURCE_REMOVE;
}

static void
run_loop (Outcome *o)
{
  guint id = g_timeout_add_seconds (20, timeout_cb, NULL);
  g_main_loop_run (o->loop);
  g_source_remove (id);
}

static void
test_result_and_progress (void)
{
  g_autoptr(CopyistJobPool) pool = copyist_job_pool_new (0);
  Outcome o = { .loop = g_main_loop_new (NULL, FALSE), .monotonic = TRUE };
  gint data_freed = 0;
  JobInput *in = g_new0 (JobInput, 1);
  CopyistJobSpec spec;

  in->n = 200;
  in->sleep_us = 200;
  in->data_freed = &data_freed;
  spec = spec_for (in, &o);
  g_assert_cmpuint (copyist_job_pool_get_n_threads (pool), ==, MAX (1u, g_get_num_processors ()));
  copyist_job_pool_run_async (pool, &spec, NULL, done_cb, &o);
  g_assert_cmpuint (copyist_job_pool_get_n_jobs (pool), ==, 1);
  run_loop (&o);

  g_assert_no_error (o.error);
  g_assert_cmpint (o.callbacks, ==, 1);
  g_assert_cmpint (o.sum, ==, 200 * 201 / 2);
  /* Progress arrived on the main thread, coalesced (fewer calls than reports), in order. */
  g_assert_cmpint (o.progress_calls, >=, 1);
  g_assert_cmpint (o.progress_calls, <=, 200);
  g_assert_true (o.monotonic);
  g_assert_nonnull (o.last_payload);
  g_assert_true (g_str_has_prefix (o.last_payload, "{\"step\":"));
  g_assert_cmpfloat (o.last_eta, >=, 0.0);
  g_assert_cmpint (data_freed, ==, 1);
  g_assert_cmpuint (copyist_job_pool_get_n_jobs (pool), ==, 0);
  outcome_clear (&o);
}

static void
cancel_on_progress_cb (double fraction, double eta, const char *payload, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
test_cancel (void)
{
  g_autoptr(CopyistJobPool) pool = copyist_job_pool_new (2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome o = { .loop = g_main_loop_new (NULL, FALSE) };
  JobInput *in = g_new0 (JobInput, 1);
  CopyistJobSpec spec;
  gint64 start = g_get_monotonic_time ();

  in->until_cancelled = TRUE;
  in->sleep_us = 1000;
  spec = spec_for (in, &o);
  spec.progress = cancel_on_progress_cb;
  spec.progress_data = cancellable;
  copyist_job_pool_run_async (pool, &spec, cancellable, done_cb, &o);
  run_loop (&o);
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (o.callbacks, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  outcome_clear (&o);

  /* cancel_all stops every running job. */
  {
    Outcome o2 = { .loop = g_main_loop_new (NULL, FALSE) };
    JobInput *in2 = g_new0 (JobInput, 1);
    CopyistJobSpec spec2;
    in2->until_cancelled = TRUE;
    in2->sleep_us = 1000;
    spec2 = spec_for (in2, &o2);
    copyist_job_pool_run_async (pool, &spec2, NULL, done_cb, &o2);
    copyist_job_pool_cancel_all (pool);
    run_loop (&o2);
    g_assert_error (o2.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    outcome_clear (&o2);
  }
}

static void
wait_for_pool (CopyistJobPool *pool)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (copyist_job_pool_get_n_jobs (pool) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  /* A few more rounds for any progress still queued. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_stale_owner (void)
{
  g_autoptr(CopyistJobPool) pool = copyist_job_pool_new (0);
  GObject *owner = g_object_new (G_TYPE_OBJECT, NULL);
  Outcome o = { 0 };
  gint data_freed = 0;
  JobInput *in = g_new0 (JobInput, 1);
  CopyistJobSpec spec;
  int progress_before;

  in->n = 50;
  in->sleep_us = 2000;
  in->data_freed = &data_freed;
  spec = spec_for (in, &o);
  spec.owner = owner;
  g_atomic_int_set (&results_freed, 0);
  copyist_job_pool_run_async (pool, &spec, NULL, done_cb, &o);
  /* The owner (say, an editor page) goes away while the job runs. */
  g_usleep (10000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (owner);
  progress_before = o.progress_calls;
  wait_for_pool (pool);

  g_assert_cmpint (o.callbacks, ==, 0);               /* the result was not delivered */
  g_assert_cmpint (o.progress_calls, ==, progress_before); /* nor any later progress */
  g_assert_cmpint (g_atomic_int_get (&results_freed), ==, 1); /* but it was freed */
  g_assert_cmpint (data_freed, ==, 1);
  outcome_clear (&o);
}

static void
test_superseded (void)
{
  g_autoptr(CopyistJobPool) pool = copyist_job_pool_new (0);
  Outcome first = { 0 }, second = { 0 };
  JobInput *a = g_new0 (JobInput, 1);
  JobInput *b = g_new0 (JobInput, 1);
  CopyistJobSpec spec_a, spec_b;

  a->until_cancelled = TRUE;
  a->sleep_us = 1000;
  b->n = 10;
  spec_a = spec_for (a, &first);
  spec_a.supersede_key = "generate:42";
  spec_b = spec_for (b, &second);
  spec_b.supersede_key = "generate:42";
  copyist_job_pool_run_async (pool, &spec_a, NULL, done_cb, &first);
  copyist_job_pool_run_async (pool, &spec_b, NULL, done_cb, &second);
  wait_for_pool (pool);

  g_assert_cmpint (first.callbacks, ==, 0);   /* superseded: cancelled and dropped */
  g_assert_cmpint (second.callbacks, ==, 1);
  g_assert_no_error (second.error);
  g_assert_cmpint (second.sum, ==, 55);
  outcome_clear (&first);
  outcome_clear (&second);
}

typedef struct {
  gint      arrived;
  gint      looked;
  int       blas_seen[2];
  int       job_seen[2];
  gint      slot;
} BlasShared;

static gpointer
blas_job (CopyistJob *job, gpointer data, GError **error)
{
  BlasShared *shared = data;
  int slot = g_atomic_int_add (&shared->slot, 1);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* Wait until both jobs run at once, then look at the BLAS setting. */
  g_atomic_int_inc (&shared->arrived);
  while (g_atomic_int_get (&shared->arrived) < 2 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  shared->blas_seen[slot] = ce_blas_get_threads ();
  shared->job_seen[slot] = copyist_job_get_blas_threads (job);
  /* Neither ends (which would hand its cores back) before both have looked. */
  g_atomic_int_inc (&shared->looked);
  while (g_atomic_int_get (&shared->looked) < 2 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  return g_new0 (gint64, 1);
}

static void
test_blas_threads (void)
{
  g_autoptr(CopyistJobPool) pool = copyist_job_pool_new (2);
  BlasShared shared = { 0 };
  Outcome o = { 0 };
  CopyistJobSpec spec = { .name = "blas", .func = blas_job, .data = &shared, .result_free = g_free };
  guint cores = MAX (1u, g_get_num_processors ());

  copyist_job_pool_run_async (pool, &spec, NULL, done_cb, &o);
  copyist_job_pool_run_async (pool, &spec, NULL, done_cb, &o);
  wait_for_pool (pool);
  g_assert_cmpint (o.callbacks, ==, 2);
  g_assert_cmpint (g_atomic_int_get (&shared.arrived), ==, 2);
  g_assert_cmpint (g_atomic_int_get (&shared.looked), ==, 2);
  /* Alone, a job gets every core. */
  g_assert_cmpint (ce_blas_get_threads (), ==, (int) cores);
  /* Two jobs at once: each may use at most half the cores. */
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpint (shared.blas_seen[i], >=, 1);
      g_assert_cmpint (shared.blas_seen[i] * 2, <=, (int) MAX (2u, cores));
      g_assert_cmpint (shared.job_seen[i], >=, 1);
    }
  outcome_clear (&o);
}

/* The pattern HACKING.md describes: a job works on a copy of the records,
 * its result comes back to the main thread, which writes it to the project
 * as one undo step. */
typedef struct {
  CopyistProject *project;
  GArray         *ids;
  GMainLoop      *loop;
  GError         *error;
  gboolean        written;
} WriteBack;

static gpointer
uppercase_job (CopyistJob *job, gpointer data, GError **error)
{
  GPtrArray *records = data;
  GPtrArray *texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_assert_true (g_thread_self () != main_thread);
  for (guint i = 0; i < records->len; i++)
    {
      CopyistRecord *r = records->pdata[i];
      char **t = g_new0 (char *, 2);
      t[0] = g_utf8_strup (r->title, -1);
      g_ptr_array_add (texts, t);
      copyist_job_report_progress (job, (double) (i + 1) / records->len, NULL);
    }
  return texts;
}

static void
write_back_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WriteBack *wb = user_data;
  g_autoptr(GPtrArray) texts = copyist_job_pool_run_finish (COPYIST_JOB_POOL (source), result, &wb->error);

  g_assert_true (g_thread_self () == main_thread);
  if (texts != NULL)
    wb->written = copyist_project_add_variants_bulk (wb->project, wb->ids, COPYIST_FIELD_DESCRIPTION, texts, 0,
                                                     &wb->error);
  g_main_loop_quit (wb->loop);
}

static void
test_results_written_on_main_thread (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("copyist-pool-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "pool.copyist", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CopyistProject) project = copyist_project_open (file, TRUE, &error);
  g_autoptr(CopyistJobPool) pool = copyist_job_pool_new (0);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) copyist_record_free);
  WriteBack wb = { 0 };
  CopyistJobSpec spec = { .name = "uppercase", .func = uppercase_job, .result_free = (GDestroyNotify) g_ptr_array_unref };
  CopyistFieldState *st;

  g_assert_no_error (error);
  for (int i = 0; i < 5; i++)
    {
      CopyistRecord *r = copyist_record_new ();
      r->sku = g_strdup_printf ("P%d", i);
      r->title = g_strdup_printf ("linen shirt %d", i);
      g_ptr_array_add (records, r);
    }
  g_assert_true (copyist_project_import_records (project, records, COPYIST_IMPORT_UPDATE_OR_CREATE, NULL, &error));

  wb.project = project;
  wb.ids = copyist_project_dup_product_ids (project, &error);
  wb.loop = g_main_loop_new (NULL, FALSE);
  /* The job's own copy of its inputs. */
  spec.data = copyist_project_dup_records (project, wb.ids, FALSE, &error);
  spec.data_free = (GDestroyNotify) g_ptr_array_unref;
  copyist_job_pool_run_async (pool, &spec, NULL, write_back_cb, &wb);
  g_main_loop_run (wb.loop);

  g_assert_no_error (wb.error);
  g_assert_true (wb.written);
  st = copyist_project_get_field (project, g_array_index (wb.ids, gint64, 3), COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_cmpstr (st->text, ==, "LINEN SHIRT 3");
  copyist_field_state_free (st);
  g_assert_cmpstr (copyist_project_get_undo_label (project), ==, "Generate description for 5 products");
  g_assert_true (copyist_project_undo (project, &error));
  st = copyist_project_get_field (project, g_array_index (wb.ids, gint64, 3), COPYIST_FIELD_DESCRIPTION, &error);
  g_assert_null (st->text);
  copyist_field_state_free (st);

  g_array_unref (wb.ids);
  g_main_loop_unref (wb.loop);
  g_clear_object (&project);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p2 = g_build_filename (dir, name, NULL);
        g_remove (p2);
      }
    g_rmdir (dir);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();
  g_test_add_func ("/app/job-pool/result-and-progress", test_result_and_progress);
  g_test_add_func ("/app/job-pool/cancel", test_cancel);
  g_test_add_func ("/app/job-pool/stale-owner", test_stale_owner);
  g_test_add_func ("/app/job-pool/superseded", test_superseded);
  g_test_add_func ("/app/job-pool/blas-threads", test_blas_threads);
  g_test_add_func ("/app/job-pool/results-written-on-main-thread", test_results_written_on_main_thread);
  return g_test_run ();
}
