/* copyist-job-pool.c — one GThreadPool for engine work, GTask results,
 * progress posted to the caller's main context, stale results dropped.
 *
 * Life of a job: copyist_job_pool_run_async (main thread) makes a CopyistJob
 * and a GTask whose callback is job_ready_cb; the job is pushed to the
 * GThreadPool; job_thread_func runs the job's function, then returns the
 * result through the GTask, which brings job_ready_cb back to the caller's
 * main context. There the job is checked for staleness (owner finalized, or
 * superseded by a newer job with the same key): a stale job's callback is
 * not called and its result is freed there with RESULT_FREE. */
#include "config.h"

#include <glib/gi18n.h>

#include "copyist-job-pool.h"
#include "engine.h"

struct _CopyistJob
{
  gatomicrefcount        ref_count;
  CopyistJobPool        *pool;          /* not a reference: the GTask holds one */
  char                  *name;
  GWeakRef               owner;
  gboolean               has_owner;
  char                  *supersede_key;
  gint                   superseded;    /* atomic */
  gboolean               delivered;     /* main thread: the callback has run (or was dropped) */

  CopyistJobFunc         func;
  gpointer               data;
  GDestroyNotify         data_free;
  GDestroyNotify         result_free;
  CopyistJobProgressFunc progress;
  gpointer               progress_data;
  GDestroyNotify         progress_data_free;

  GCancellable          *cancellable;       /* the job's own */
  GCancellable          *caller_cancellable;
  gulong                 caller_handler;
  GTask                 *task;
  GMainContext          *context;
  GAsyncReadyCallback    callback;
  gpointer               user_data;

  int                    blas_threads;
  gint64                 start_time;      /* monotonic µs when the function started */

  GMutex                 lock;            /* guards the progress fields below */
  double                 fraction;
  char                  *payload;
  gboolean               progress_pending;
};

struct _CopyistJobPool
{
  GObject      parent_instance;
  GThreadPool *threads;
  guint        n_threads;
  guint        n_cores;
  GMutex       lock;        /* guards running */
  guint        running;
  GHashTable  *by_key;      /* supersede key -> CopyistJob* (main thread) */
  GPtrArray   *jobs;        /* active jobs (main thread) */
};

G_DEFINE_TYPE (CopyistJobPool, copyist_job_pool, G_TYPE_OBJECT)

/* ---- jobs ---- */

static CopyistJob *
job_ref (CopyistJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
job_unref (CopyistJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  if (job->progress_data_free != NULL && job->progress_data != NULL)
    job->progress_data_free (job->progress_data);
  g_weak_ref_clear (&job->owner);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->caller_cancellable);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_mutex_clear (&job->lock);
  g_free (job->payload);
  g_free (job->supersede_key);
  g_free (job->name);
  g_free (job);
}

/* Main thread: TRUE when nobody wants this job's progress or result any more. */
static gboolean
job_is_stale (CopyistJob *job)
{
  if (g_atomic_int_get (&job->superseded))
    return TRUE;
  if (job->has_owner)
    {
      GObject *owner = g_weak_ref_get (&job->owner);
      if (owner == NULL)
        return TRUE;
      g_object_unref (owner);
    }
  return FALSE;
}

gboolean
copyist_job_is_cancelled (CopyistJob *job)
{
  return g_cancellable_is_cancelled (job->cancellable);
}

GCancellable *
copyist_job_get_cancellable (CopyistJob *job)
{
  return job->cancellable;
}

int
copyist_job_get_blas_threads (CopyistJob *job)
{
  return job->blas_threads;
}

gboolean
copyist_job_set_cancelled_error (CopyistJob *job, GError **error)
{
  if (!copyist_job_is_cancelled (job))
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("“%s” was cancelled"), job->name);
  return TRUE;
}

static gboolean
progress_dispatch_cb (gpointer user_data)
{
  CopyistJob *job = user_data;
  g_autofree char *payload = NULL;
  double fraction, elapsed, eta = -1.0;

  g_mutex_lock (&job->lock);
  fraction = job->fraction;
  payload = g_steal_pointer (&job->payload);
  job->progress_pending = FALSE;
  g_mutex_unlock (&job->lock);

  if (job->progress == NULL || job->delivered || job_is_stale (job))
    return G_SOURCE_REMOVE;
  elapsed = (double) (g_get_monotonic_time () - job->start_time) / G_USEC_PER_SEC;
  if (fraction > 0.0 && fraction <= 1.0)
    eta = elapsed * (1.0 - fraction) / fraction;
  job->progress (fraction, eta, payload, job->progress_data);
  return G_SOURCE_REMOVE;
}

void
copyist_job_report_progress (CopyistJob *job, double fraction, const char *payload)
{
  gboolean post;

  g_mutex_lock (&job->lock);
  job->fraction = CLAMP (fraction, 0.0, 1.0);
  if (payload != NULL)
    {
      g_free (job->payload);
      job->payload = g_strdup (payload);
    }
  /* Only one report waits in the main context at a time: a fast job
   * updates it in place instead of flooding the main loop. */
  post = !job->progress_pending;
  job->progress_pending = TRUE;
  g_mutex_unlock (&job->lock);
  /* Always through a source: g_main_context_invoke would run the callback
   * right here, in the pool thread, whenever the main context is idle. */
  if (post)
    {
      GSource *source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, progress_dispatch_cb, job_ref (job), (GDestroyNotify) job_unref);
      g_source_set_static_name (source, "[copyist] job progress");
      g_source_attach (source, job->context);
      g_source_unref (source);
    }
}

/* ---- the pool ---- */

/* pool->lock held: spread the cores over the jobs running now. */
static int
update_blas_threads_locked (CopyistJobPool *self)
{
  int n = (int) MAX (1u, self->n_cores / MAX (1u, self->running));

  ce_blas_set_threads (n);
  return n;
}

static void
job_thread_func (gpointer data, gpointer user_data)
{
  CopyistJob *job = data;
  CopyistJobPool *self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer result = NULL;

  if (!copyist_job_set_cancelled_error (job, &error))
    {
      g_mutex_lock (&self->lock);
      self->running++;
      job->blas_threads = update_blas_threads_locked (self);
      g_mutex_unlock (&self->lock);

      job->start_time = g_get_monotonic_time ();
      result = job->func (job, job->data, &error);

      g_mutex_lock (&self->lock);
      self->running--;
      update_blas_threads_locked (self);
      g_mutex_unlock (&self->lock);
    }

  if (result != NULL)
    g_task_return_pointer (job->task, result, job->result_free);
  else if (error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&error));
  else
    g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_FAILED, _("“%s” returned no result"), job->name);
  g_object_unref (job->task);  /* the reference the pool thread held */
  job_unref (job);
}

static void
job_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CopyistJobPool *self = COPYIST_JOB_POOL (source);
  CopyistJob *job = user_data;

  if (job->supersede_key != NULL && g_hash_table_lookup (self->by_key, job->supersede_key) == job)
    g_hash_table_remove (self->by_key, job->supersede_key);
  g_ptr_array_remove_fast (self->jobs, job);
  if (job->caller_cancellable != NULL)
    g_cancellable_disconnect (job->caller_cancellable, job->caller_handler);
  job->caller_handler = 0;

  if (!job_is_stale (job) && job->callback != NULL)
    job->callback (source, result, job->user_data);
  else
    {
      /* Stale: nobody takes the result; free it now, on this thread. */
      gpointer stale = g_task_propagate_pointer (G_TASK (result), NULL);
      if (stale != NULL && job->result_free != NULL)
        job->result_free (stale);
    }
  job->delivered = TRUE;
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (g_steal_pointer (&job->data));
  job_unref (job);
}

static void
caller_cancelled_cb (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
copyist_job_pool_dispose (GObject *object)
{
  CopyistJobPool *self = COPYIST_JOB_POOL (object);

  if (self->threads != NULL)
    {
      /* Nothing is queued here: a queued job's GTask keeps the pool alive. */
      g_thread_pool_free (self->threads, TRUE, TRUE);
      self->threads = NULL;
    }
  G_OBJECT_CLASS (copyist_job_pool_parent_class)->dispose (object);
}

static void
copyist_job_pool_finalize (GObject *object)
{
  CopyistJobPool *self = COPYIST_JOB_POOL (object);

  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (copyist_job_pool_parent_class)->finalize (object);
}

static void
copyist_job_pool_class_init (CopyistJobPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = copyist_job_pool_dispose;
  object_class->finalize = copyist_job_pool_finalize;
}

static void
copyist_job_pool_init (CopyistJobPool *self)
{
  g_mutex_init (&self->lock);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->jobs = g_ptr_array_new ();
  self->n_cores = MAX (1u, g_get_num_processors ());
}

CopyistJobPool *
copyist_job_pool_new (guint n_threads)
{
  CopyistJobPool *self = g_object_new (COPYIST_TYPE_JOB_POOL, NULL);
  g_autoptr(GError) error = NULL;

  self->n_threads = n_threads > 0 ? n_threads : self->n_cores;
  /* Not exclusive: threads are made on demand and the pool never holds
   * more than n_threads at once. */
  self->threads = g_thread_pool_new (job_thread_func, self, (gint) self->n_threads, FALSE, &error);
  g_assert_no_error (error);  /* only exclusive pools can fail to start */
  return self;
}

guint
copyist_job_pool_get_n_threads (CopyistJobPool *self)
{
  g_return_val_if_fail (COPYIST_IS_JOB_POOL (self), 0);
  return self->n_threads;
}

guint
copyist_job_pool_get_n_jobs (CopyistJobPool *self)
{
  g_return_val_if_fail (COPYIST_IS_JOB_POOL (self), 0);
  return self->jobs->len;
}

void
copyist_job_pool_run_async (CopyistJobPool *self, const CopyistJobSpec *spec, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  CopyistJob *job;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (COPYIST_IS_JOB_POOL (self));
  g_return_if_fail (spec != NULL && spec->func != NULL);

  job = g_new0 (CopyistJob, 1);
  g_atomic_ref_count_init (&job->ref_count);
  job->pool = self;
  job->name = g_strdup (spec->name != NULL ? spec->name : "job");
  g_weak_ref_init (&job->owner, spec->owner);
  job->has_owner = (spec->owner != NULL);
  job->supersede_key = g_strdup (spec->supersede_key);
  job->func = spec->func;
  job->data = spec->data;
  job->data_free = spec->data_free;
  job->result_free = spec->result_free;
  job->progress = spec->progress;
  job->progress_data = spec->progress_data;
  job->progress_data_free = spec->progress_data_free;
  job->cancellable = g_cancellable_new ();
  job->context = g_main_context_ref_thread_default ();
  job->callback = callback;
  job->user_data = user_data;
  job->blas_threads = 1;
  g_mutex_init (&job->lock);
  if (cancellable != NULL)
    {
      job->caller_cancellable = g_object_ref (cancellable);
      job->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                   g_object_ref (job->cancellable), g_object_unref);
    }

  /* The GTask's callback is ours (it checks staleness); it holds one job reference. */
  job->task = g_task_new (self, job->cancellable, job_ready_cb, job_ref (job));
  g_task_set_name (job->task, job->name);

  if (job->supersede_key != NULL)
    {
      CopyistJob *older = g_hash_table_lookup (self->by_key, job->supersede_key);
      if (older != NULL)
        {
          g_atomic_int_set (&older->superseded, 1);
          g_cancellable_cancel (older->cancellable);
        }
      g_hash_table_replace (self->by_key, g_strdup (job->supersede_key), job);
    }
  g_ptr_array_add (self->jobs, job);

  /* The pool thread owns the initial job reference and the task's first
   * reference; returning the task keeps it alive until job_ready_cb ran. */
  if (!g_thread_pool_push (self->threads, job, &error))
    {
      g_task_return_error (job->task, g_steal_pointer (&error));
      g_object_unref (job->task);
      job_unref (job);
    }
}

gpointer
copyist_job_pool_run_finish (CopyistJobPool *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (COPYIST_IS_JOB_POOL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
copyist_job_pool_cancel_all (CopyistJobPool *self)
{
  g_return_if_fail (COPYIST_IS_JOB_POOL (self));
  for (guint i = 0; i < self->jobs->len; i++)
    g_cancellable_cancel (((CopyistJob *) self->jobs->pdata[i])->cancellable);
}
