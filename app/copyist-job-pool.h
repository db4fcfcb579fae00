/* copyist-job-pool.h — the one thread pool for engine work (training,
 * generation, big imports)
 *
 * One GThreadPool with as many threads as the machine has cores. A job:
 *   - runs CopyistJobFunc in a pool thread on inputs it owns (copy what you
 *     need from the project on the main thread before submitting: a project
 *     is main-thread only, see HACKING.md, "Writes from jobs");
 *   - polls copyist_job_is_cancelled() (pass it to the engine's cancel
 *     callback) and reports progress with copyist_job_report_progress();
 *     progress (fraction, an ETA computed from the elapsed time, and a free-
 *     form payload string, e.g. loss terms as JSON) is delivered on the main
 *     context of the caller of copyist_job_pool_run_async, coalesced so a
 *     fast job does not flood the main loop;
 *   - returns its result through GTask: the callback runs on that same main
 *     context and calls copyist_job_pool_run_finish().
 * Stale results are dropped: when the job's OWNER (a GObject, weakly
 * referenced) has been finalized, or a newer job was submitted with the
 * same SUPERSEDE_KEY (the older one is then cancelled), neither its progress
 * nor its callback is delivered; the result is freed with RESULT_FREE.
 *
 * BLAS threads: before a job's function runs, the pool sets OpenBLAS's
 * thread count (ce_blas_set_threads) to max(1, cores / running jobs), and
 * recomputes it whenever a job starts or ends, so pool threads x BLAS
 * threads never exceed the cores. copyist_job_get_blas_threads() tells the
 * job the value it was started with.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CopyistJob CopyistJob;

/* Runs in a pool thread. Returns the result (freed with the job's
 * RESULT_FREE if nobody takes it) or NULL with ERROR set. A cancelled job
 * should return NULL with G_IO_ERROR_CANCELLED (copyist_job_set_cancelled_error). */
typedef gpointer (*CopyistJobFunc) (CopyistJob *job, gpointer data, GError **error);

/* Runs on the submitting thread's main context. FRACTION in [0, 1];
 * ETA_SECONDS < 0 when unknown; PAYLOAD may be NULL. */
typedef void (*CopyistJobProgressFunc) (double fraction, double eta_seconds, const char *payload,
                                        gpointer user_data);

/* ---- inside the job (pool thread) ---- */
gboolean      copyist_job_is_cancelled    (CopyistJob *job);
GCancellable *copyist_job_get_cancellable (CopyistJob *job);
int           copyist_job_get_blas_threads (CopyistJob *job);
/* Thread-safe; cheap to call often (only the latest report is kept until
 * the main context picks it up). */
void          copyist_job_report_progress (CopyistJob *job, double fraction, const char *payload);
/* Sets ERROR to G_IO_ERROR_CANCELLED "Cancelled" if the job is cancelled; returns TRUE then. */
gboolean      copyist_job_set_cancelled_error (CopyistJob *job, GError **error);

/* ---- the pool (main thread) ---- */
#define COPYIST_TYPE_JOB_POOL (copyist_job_pool_get_type ())
G_DECLARE_FINAL_TYPE (CopyistJobPool, copyist_job_pool, COPYIST, JOB_POOL, GObject)

/* N_THREADS 0: g_get_num_processors(). The application keeps one pool. */
CopyistJobPool *copyist_job_pool_new (guint n_threads);
guint           copyist_job_pool_get_n_threads (CopyistJobPool *pool);
/* Jobs queued or running. */
guint           copyist_job_pool_get_n_jobs (CopyistJobPool *pool);

typedef struct {
  const char            *name;            /* for messages and debugging */
  GObject               *owner;           /* may be NULL; weak: if it dies, results are dropped */
  const char            *supersede_key;   /* may be NULL; a newer job with the same key cancels this one */
  CopyistJobFunc         func;
  gpointer               data;            /* the job's own copy of its inputs */
  GDestroyNotify         data_free;       /* called in the main context after the job is done */
  GDestroyNotify         result_free;     /* frees an undelivered result; may be NULL */
  CopyistJobProgressFunc progress;        /* may be NULL */
  gpointer               progress_data;
  GDestroyNotify         progress_data_free;
} CopyistJobSpec;

/* Queues a job described by SPEC (copied; the pointers it holds are taken
 * over). CANCELLABLE may be NULL (the job then makes its own). CALLBACK runs
 * when the job ends unless its result is stale (see above). */
void     copyist_job_pool_run_async  (CopyistJobPool *pool, const CopyistJobSpec *spec,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
/* The job's result (owned by the caller now), or NULL with ERROR. */
gpointer copyist_job_pool_run_finish (CopyistJobPool *pool, GAsyncResult *result, GError **error);
/* Cancels every queued or running job (e.g. when the window closes). */
void     copyist_job_pool_cancel_all (CopyistJobPool *pool);

G_END_DECLS
