/* fuzz-util.h — small helpers shared by the libFuzzer targets (header only,
 * each target is one translation unit).
 *
 * Every target defines LLVMFuzzerTestOneInput(); libFuzzer calls it with
 * one input at a time in one process, so a target must not leak, must not
 * keep state between inputs that changes what the next input does, and
 * must bound its own work (libFuzzer's -timeout kills anything over 2 s). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

#ifdef __G_LIB_H__
/* A critical (a g_return_if_fail) or warning is a bug: abort on it. Not
 * g_log_set_always_fatal(): GLib stops a fatal message with a breakpoint
 * (SIGTRAP), which libFuzzer does not catch, so the input was lost; an
 * abort() is a crash libFuzzer saves as an artifact. */
static void
fuzz_log_abort_cb (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) == 0)
    return; /* messages, info and debug are not bugs */
  fprintf (stderr, "%s-%s: %s\n", domain != NULL ? domain : "(none)",
           (level & G_LOG_LEVEL_CRITICAL) ? "CRITICAL" : "WARNING", message);
  abort ();
}

static inline void
fuzz_abort_on_glib_warnings (void)
{
  g_log_set_default_handler (fuzz_log_abort_cb, NULL);
  g_log_set_always_fatal (0);
  g_log_set_fatal_mask (NULL, 0);
  g_log_set_handler (NULL, G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING, fuzz_log_abort_cb, NULL);
  g_log_set_handler ("Json", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING, fuzz_log_abort_cb, NULL);
  g_log_set_handler ("GLib", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING, fuzz_log_abort_cb, NULL);
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING, fuzz_log_abort_cb, NULL);
  g_log_set_handler ("GLib-GObject", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING, fuzz_log_abort_cb, NULL);
  g_log_set_handler ("copyist", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING, fuzz_log_abort_cb, NULL);
}
#endif

/* Splits DATA at NUL bytes into at most MAX pieces (the last piece takes
 * the rest, NULs included). PIECES[i] are malloc'd NUL-terminated copies,
 * LENS[i] their lengths; returns how many there are (at least 1). Free
 * with fuzz_pieces_free(). */
static inline int
fuzz_split (const uint8_t *data, size_t size, int max, char **pieces, size_t *lens)
{
  int n = 0;
  size_t start = 0;

  for (size_t i = 0; i <= size && n < max; i++)
    if (i == size || (data[i] == '\0' && n < max - 1))
      {
        size_t len = i - start;
        pieces[n] = malloc (len + 1);
        if (pieces[n] == NULL)
          abort ();
        if (len > 0)
          memcpy (pieces[n], data + start, len);
        pieces[n][len] = '\0';
        lens[n] = len;
        n++;
        start = i + 1;
        if (i == size)
          break;
      }
  return n;
}

static inline void
fuzz_pieces_free (char **pieces, int n)
{
  for (int i = 0; i < n; i++)
    free (pieces[i]);
}

/* A private directory for files a target must hand over by path (model
 * files, project databases): on /dev/shm when there is one, so writing a
 * file per input stays cheap. Created once; removed at exit. */
static char fuzz_dir_path[256];

static inline void
fuzz_dir_remove_cb (void)
{
  if (fuzz_dir_path[0] != '\0')
    rmdir (fuzz_dir_path);
}

static inline const char *
fuzz_dir (void)
{
  if (fuzz_dir_path[0] == '\0')
    {
      const char *base = access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv ("TMPDIR") ? getenv ("TMPDIR") : "/tmp");
      snprintf (fuzz_dir_path, sizeof fuzz_dir_path, "%s/copyist-fuzz-XXXXXX", base);
      if (mkdtemp (fuzz_dir_path) == NULL)
        abort ();
      atexit (fuzz_dir_remove_cb);
    }
  return fuzz_dir_path;
}

/* Writes SIZE bytes of DATA to the file NAME in fuzz_dir(); the path goes
 * to PATH (SIZE bytes). Aborts on an I/O error: that is the machine, not
 * the input. */
static inline void
fuzz_write_file (const char *name, const uint8_t *data, size_t size, char *path, size_t path_size)
{
  snprintf (path, path_size, "%s/%s", fuzz_dir (), name);
  FILE *f = fopen (path, "wb");
  if (f == NULL || (size > 0 && fwrite (data, 1, size, f) != size) || fclose (f) != 0)
    abort ();
}
