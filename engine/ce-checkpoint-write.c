/* ce-checkpoint-write.c — writing the checkpoint container (format in
 * engine.h): the bytes into a buffer, and atomically into a file. */
#include "ce-checkpoint-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define HEADER_SIZE CE_CKPT_HEADER_SIZE

/* ---- writing ------------------------------------------------------------------ */

/* Adds B to *A unless it overflows. */
static int
add_size (size_t *a, uint64_t b)
{
  if (b > SIZE_MAX - *a)
    return 0;
  *a += (size_t) b;
  return 1;
}

static int
valid_name (const char *name)
{
  if (!name)
    return 0;
  size_t len = strlen (name);
  return len >= 1 && len <= CE_CKPT_NAME_MAX;
}

CeStatus
ce_checkpoint_write_buffer (uint8_t **out, size_t *out_size, uint32_t kind_tag,
                            const void *config, size_t config_size,
                            const CeStringList *lists, int n_lists,
                            const CeCkptTensor *tensors, int n_tensors,
                            char *msg)
{
  size_t size = HEADER_SIZE + 8;
  uint64_t payload = 0;

  *out = NULL;
  *out_size = 0;
  if (n_lists < 0 || n_tensors < 0 || (n_lists > 0 && !lists) || (n_tensors > 0 && !tensors)
      || (config_size > 0 && !config) || config_size > UINT32_MAX)
    {
      set_msg (msg, "invalid checkpoint contents (counts, config)");
      return CE_ERR_INVALID_ARG;
    }
  add_size (&size, config_size);

  size += 4;
  for (int l = 0; l < n_lists; l++)
    {
      const CeStringList *sl = &lists[l];
      if (!valid_name (sl->name) || sl->n < 0 || (sl->n > 0 && !sl->items))
        {
          set_msg (msg, "string list %d has an invalid name or item count", l);
          return CE_ERR_INVALID_ARG;
        }
      for (int k = 0; k < l; k++)
        if (strcmp (lists[k].name, sl->name) == 0)
          {
            set_msg (msg, "two string lists are named '%s'", sl->name);
            return CE_ERR_INVALID_ARG;
          }
      size_t item_bytes = 0;
      for (int i = 0; i < sl->n; i++)
        {
          if (!sl->items[i])
            {
              set_msg (msg, "list '%s' item %d is NULL", sl->name, i);
              return CE_ERR_INVALID_ARG;
            }
          size_t len = strlen (sl->items[i]);
          if (len > UINT32_MAX || !add_size (&item_bytes, 4 + (uint64_t) len))
            {
              set_msg (msg, "list '%s' is too large", sl->name);
              return CE_ERR_LIMIT;
            }
        }
      if (!add_size (&size, 8 + strlen (sl->name)) || !add_size (&size, item_bytes))
        {
          set_msg (msg, "list '%s' is too large", sl->name);
          return CE_ERR_LIMIT;
        }
    }

  size += 4 + 8; /* n_tensors, payload_size */
  for (int t = 0; t < n_tensors; t++)
    {
      const CeCkptTensor *ten = &tensors[t];
      if (!valid_name (ten->name) || ten->ndim < 1 || ten->ndim > CE_CKPT_MAX_DIMS || !ten->data)
        {
          set_msg (msg, "tensor %d ('%s') has an invalid name, rank or no data", t,
                   ten->name ? ten->name : "(null)");
          return CE_ERR_INVALID_ARG;
        }
      for (int k = 0; k < t; k++)
        if (strcmp (tensors[k].name, ten->name) == 0)
          {
            set_msg (msg, "two tensors are named '%s'", ten->name);
            return CE_ERR_INVALID_ARG;
          }
      uint64_t n = 1;
      for (int d = 0; d < ten->ndim; d++)
        {
          if (ten->shape[d] < 1 || (uint64_t) ten->shape[d] > (UINT64_MAX / 4) / n)
            {
              set_msg (msg, "tensor '%s' has an invalid shape", ten->name);
              return CE_ERR_INVALID_ARG;
            }
          n *= (uint64_t) ten->shape[d];
        }
      if (!add_size (&size, 4 + strlen (ten->name) + 4 + 8 * (uint64_t) ten->ndim + 8)
          || !add_size (&size, n * 4) || n * 4 > UINT64_MAX - payload)
        {
          set_msg (msg, "checkpoint is too large");
          return CE_ERR_LIMIT;
        }
      payload += n * 4;
    }

  uint8_t *buf = malloc (size);
  if (!buf)
    {
      set_msg (msg, "out of memory writing a %zu-byte checkpoint", size);
      return CE_ERR_NOMEM;
    }

  uint8_t *p = buf + HEADER_SIZE;
  put_u32 (p, kind_tag);
  put_u32 (p + 4, (uint32_t) config_size);
  p += 8;
  if (config_size)
    memcpy (p, config, config_size);
  p += config_size;

  put_u32 (p, (uint32_t) n_lists);
  p += 4;
  for (int l = 0; l < n_lists; l++)
    {
      size_t len = strlen (lists[l].name);
      put_u32 (p, (uint32_t) len);
      memcpy (p + 4, lists[l].name, len);
      p += 4 + len;
      put_u32 (p, (uint32_t) lists[l].n);
      p += 4;
      for (int i = 0; i < lists[l].n; i++)
        {
          size_t il = strlen (lists[l].items[i]);
          put_u32 (p, (uint32_t) il);
          memcpy (p + 4, lists[l].items[i], il);
          p += 4 + il;
        }
    }

  put_u32 (p, (uint32_t) n_tensors);
  p += 4;
  uint64_t offset = 0;
  for (int t = 0; t < n_tensors; t++)
    {
      const CeCkptTensor *ten = &tensors[t];
      size_t len = strlen (ten->name);
      uint64_t n = 1;
      put_u32 (p, (uint32_t) len);
      memcpy (p + 4, ten->name, len);
      p += 4 + len;
      put_u32 (p, (uint32_t) ten->ndim);
      p += 4;
      for (int d = 0; d < ten->ndim; d++)
        {
          put_u64 (p, (uint64_t) ten->shape[d]);
          n *= (uint64_t) ten->shape[d];
          p += 8;
        }
      put_u64 (p, offset);
      p += 8;
      offset += n * 4;
    }
  put_u64 (p, payload);
  p += 8;
  for (int t = 0; t < n_tensors; t++)
    {
      const CeCkptTensor *ten = &tensors[t];
      uint64_t n = 1;
      for (int d = 0; d < ten->ndim; d++)
        n *= (uint64_t) ten->shape[d];
      for (uint64_t i = 0; i < n; i++, p += 4)
        put_f32 (p, ten->data[i]);
    }

  memcpy (buf, CE_CKPT_MAGIC, CE_CKPT_MAGIC_SIZE);
  put_u32 (buf + 8, CE_CKPT_FORMAT_VERSION);
  put_u32 (buf + 12, ce_crc32 (buf + HEADER_SIZE, size - HEADER_SIZE));
  put_u64 (buf + 16, (uint64_t) (size - HEADER_SIZE));

  *out = buf;
  *out_size = size;
  return CE_OK;
}

CeStatus
ce_checkpoint_write (const char *path, uint32_t kind_tag,
                     const void *config, size_t config_size,
                     const CeStringList *lists, int n_lists,
                     const CeCkptTensor *tensors, int n_tensors,
                     char *msg)
{
  uint8_t *buf;
  size_t size;
  char err[128];

  CeStatus st = ce_checkpoint_write_buffer (&buf, &size, kind_tag, config, config_size,
                                            lists, n_lists, tensors, n_tensors, msg);
  if (st != CE_OK)
    return st;

  size_t plen = strlen (path);
  char *tmp = malloc (plen + 16);
  if (!tmp)
    {
      free (buf);
      set_msg (msg, "out of memory");
      return CE_ERR_NOMEM;
    }
  memcpy (tmp, path, plen);
  memcpy (tmp + plen, ".tmp-XXXXXX", 12);

  int fd = mkstemp (tmp);
  if (fd < 0)
    {
      errno_text (errno, err, sizeof err);
      set_msg (msg, "cannot create a temporary file next to '%s': %s", path, err);
      free (tmp);
      free (buf);
      return CE_ERR_IO;
    }

  const char *step = "write";
  int saved = 0;
  FILE *f = fdopen (fd, "wb");
  if (!f)
    {
      saved = errno;
      close (fd);
      step = "open";
    }
  else
    {
      if (fwrite (buf, 1, size, f) != size)
        saved = errno ? errno : EIO;
      else if (fflush (f) != 0)
        saved = errno, step = "flush";
      else if (fsync (fileno (f)) != 0)
        saved = errno, step = "sync";
      if (fclose (f) != 0 && !saved)
        saved = errno, step = "close";
    }
  free (buf);
  if (!saved && rename (tmp, path) != 0)
    saved = errno, step = "rename";
  if (saved)
    {
      errno_text (saved, err, sizeof err);
      unlink (tmp);
      set_msg (msg, "cannot %s checkpoint '%s': %s", step, path, err);
      free (tmp);
      return CE_ERR_IO;
    }
  free (tmp);

  /* Make the rename itself durable (best effort: some file systems refuse
   * to fsync a directory). */
  char *dir = strdup (path);
  if (dir)
    {
      char *slash = strrchr (dir, '/');
      const char *d = ".";
      if (slash == dir)
        d = "/";
      else if (slash)
        {
          *slash = '\0';
          d = dir;
        }
      int dfd = open (d, O_RDONLY | O_DIRECTORY);
      if (dfd >= 0)
        {
          (void) fsync (dfd);
          close (dfd);
        }
      free (dir);
    }
  return CE_OK;
}
