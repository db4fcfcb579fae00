/* ce-checkpoint.c — the checkpoint container; the byte layout is documented
 * in engine.h ("checkpoints"). Every integer is written and read byte by byte
 * in little-endian order, never by copying host structs.
 *
 * Reading is done in up to two passes over the bytes:
 *  - when the file is shorter than its header says, a validation-only pass
 *    walks the structure (allocating nothing) to say where it ends early;
 *  - otherwise, after the CRC matches, a building pass that copies
 *    everything out. Every count and size is capped by the bytes that are
 *    actually present before anything is allocated for it.
 */
#include "ce-checkpoint-private.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#define MAGIC CE_CKPT_MAGIC
#define MAGIC_SIZE CE_CKPT_MAGIC_SIZE
#define HEADER_SIZE CE_CKPT_HEADER_SIZE
#define FORMAT_VERSION CE_CKPT_FORMAT_VERSION

/* ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) --------------- */

/* The byte-at-a-time CRC over the one table T: the reference the sliced
 * version is tested against, and its tail. */
static uint32_t
crc32_bytes (const uint32_t *t, uint32_t crc, const uint8_t *p, size_t size)
{
  for (size_t i = 0; i < size; i++)
    crc = t[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return crc;
}

uint32_t
ce_crc32_ref (const void *data, size_t size)
{
  uint32_t table[256];
  for (uint32_t i = 0; i < 256; i++)
    {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  return crc32_bytes (table, 0xFFFFFFFFu, data, size) ^ 0xFFFFFFFFu;
}

uint32_t
ce_crc32 (const void *data, size_t size)
{
  /* Slicing by 8 (Intel's "slicing-by-8"): eight bytes per step through
   * eight tables, about 3x the byte-wise loop, which was ~10 ms of loading
   * a model of 2 M parameters. The tables (8 KiB) are built per call on the
   * stack: no global state, and a few microseconds next to the bytes. */
  uint32_t t[8][256];
  for (uint32_t i = 0; i < 256; i++)
    {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
  for (uint32_t i = 0; i < 256; i++)
    for (int k = 1; k < 8; k++)
      t[k][i] = t[0][t[k - 1][i] & 0xFFu] ^ (t[k - 1][i] >> 8);

  const uint8_t *p = data;
  uint32_t crc = 0xFFFFFFFFu;
  size_t i = 0;
  for (; i + 8 <= size; i += 8)
    {
      /* little-endian assembly of the words, whatever the host's order */
      uint32_t lo = crc ^ ((uint32_t) p[i] | (uint32_t) p[i + 1] << 8
                           | (uint32_t) p[i + 2] << 16 | (uint32_t) p[i + 3] << 24);
      uint32_t hi = (uint32_t) p[i + 4] | (uint32_t) p[i + 5] << 8
                    | (uint32_t) p[i + 6] << 16 | (uint32_t) p[i + 7] << 24;
      crc = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24]
            ^ t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^ t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
    }
  return crc32_bytes (t[0], crc, p + i, size - i) ^ 0xFFFFFFFFu;
}

/* ---- the parsed checkpoint -------------------------------------------------- */

typedef struct {
  char name[CE_CKPT_NAME_MAX + 1];
  int ndim;
  int64_t shape[CE_CKPT_MAX_DIMS];
  uint64_t offset;   /* bytes from the start of the payload */
  uint64_t n_elem;
  const float *data; /* into CeCheckpoint.payload */
} Tensor;

typedef struct {
  char name[CE_CKPT_NAME_MAX + 1];
  char **items;      /* n pointers into text */
  char *text;        /* all items, each NUL-terminated */
} ListStore;

struct CeCheckpoint {
  uint32_t kind_tag;
  uint8_t *config;
  size_t config_size;
  int n_lists;
  CeStringList *lists;
  ListStore *list_store;
  int n_tensors;
  Tensor *tensors;
  float *payload;
};

void
ce_checkpoint_free (CeCheckpoint *ckpt)
{
  if (!ckpt)
    return;
  for (int i = 0; i < ckpt->n_lists; i++)
    {
      free (ckpt->list_store[i].items);
      free (ckpt->list_store[i].text);
    }
  free (ckpt->lists);
  free (ckpt->list_store);
  free (ckpt->tensors);
  free (ckpt->payload);
  free (ckpt->config);
  free (ckpt);
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct {
  const uint8_t *data;
  size_t avail;    /* bytes actually present */
  size_t end;      /* bytes the header declares (caps for counts and sizes) */
  size_t pos;
  CeStatus status;
  char *msg;
} Reader;

/* Bytes that may still legitimately follow (by the declared size). */
static size_t
declared_left (const Reader *r)
{
  return r->end > r->pos ? r->end - r->pos : 0;
}

/* Returns a pointer to N bytes at the cursor and advances, or NULL with
 * CE_ERR_TRUNCATED naming WHAT. */
static const uint8_t *
take (Reader *r, size_t n, const char *what)
{
  if (n > r->avail - r->pos)
    {
      r->status = CE_ERR_TRUNCATED;
      set_msg (r->msg, "checkpoint is truncated at byte %zu (expected %s)", r->avail, what);
      return NULL;
    }
  const uint8_t *p = r->data + r->pos;
  r->pos += n;
  return p;
}

static int fail (Reader *r, CeStatus status, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

static int
fail (Reader *r, CeStatus status, const char *fmt, ...)
{
  r->status = status;
  if (r->msg)
    {
      va_list ap;
      va_start (ap, fmt);
      vsnprintf (r->msg, CE_MSG_SIZE, fmt, ap);
      va_end (ap);
    }
  return 0;
}

/* Reads a name (u32 length, bytes) into OUT. */
static int
read_name (Reader *r, char out[CE_CKPT_NAME_MAX + 1], const char *what)
{
  const uint8_t *p = take (r, 4, what);
  if (!p)
    return 0;
  uint32_t len = get_u32 (p);
  if (len == 0 || len > CE_CKPT_NAME_MAX)
    return fail (r, CE_ERR_FORMAT, "checkpoint %s at byte %zu has an invalid length %u (1..%d allowed)",
                 what, r->pos - 4, len, CE_CKPT_NAME_MAX);
  if (!(p = take (r, len, what)))
    return 0;
  if (memchr (p, 0, len))
    return fail (r, CE_ERR_FORMAT, "checkpoint %s at byte %zu contains a NUL byte", what, r->pos - len);
  memcpy (out, p, len);
  out[len] = '\0';
  return 1;
}

/* Reads the u32 count of WHAT; each entry needs at least MIN_ENTRY bytes,
 * so a count the remaining bytes cannot hold is rejected before anything is
 * allocated for it. */
static int
read_count (Reader *r, const char *what, size_t min_entry, uint32_t *count)
{
  char desc[64];
  snprintf (desc, sizeof desc, "the number of %s", what);
  const uint8_t *p = take (r, 4, desc);
  if (!p)
    return 0;
  *count = get_u32 (p);
  if (*count > declared_left (r) / min_entry)
    return fail (r, CE_ERR_FORMAT, "checkpoint declares %u %s, more than its %zu remaining bytes can hold",
                 *count, what, declared_left (r));
  return 1;
}

static int
read_lists (Reader *r, CeCheckpoint *ck)
{
  const uint8_t *p;
  uint32_t n_lists;
  /* each list takes at least 4 + 1 + 4 bytes */
  if (!read_count (r, "string lists", 9, &n_lists))
    return 0;
  if (ck && n_lists > 0)
    {
      ck->lists = calloc (n_lists, sizeof *ck->lists);
      ck->list_store = calloc (n_lists, sizeof *ck->list_store);
      if (!ck->lists || !ck->list_store)
        return fail (r, CE_ERR_NOMEM, "out of memory reading %u string lists", n_lists);
    }

  for (uint32_t l = 0; l < n_lists; l++)
    {
      char name[CE_CKPT_NAME_MAX + 1];
      char what[CE_CKPT_NAME_MAX + 48];

      if (!read_name (r, name, "a string list name"))
        return 0;
      if (ck)
        for (int k = 0; k < ck->n_lists; k++)
          if (strcmp (ck->list_store[k].name, name) == 0)
            return fail (r, CE_ERR_FORMAT, "checkpoint has two string lists named '%s'", name);

      snprintf (what, sizeof what, "the item count of list '%s'", name);
      if (!(p = take (r, 4, what)))
        return 0;
      uint32_t n_items = get_u32 (p);
      if (n_items > declared_left (r) / 4)
        return fail (r, CE_ERR_FORMAT, "checkpoint list '%s' declares %u items, more than its %zu remaining bytes can hold",
                     name, n_items, declared_left (r));

      /* First walk: validate and measure; the items are then copied. */
      size_t start = r->pos, text_size = 0;
      snprintf (what, sizeof what, "an item of list '%s'", name);
      for (uint32_t i = 0; i < n_items; i++)
        {
          if (!(p = take (r, 4, what)))
            return 0;
          uint32_t len = get_u32 (p);
          if (len > declared_left (r))
            return fail (r, CE_ERR_FORMAT, "checkpoint list '%s' item %u has length %u, more than the %zu remaining bytes",
                         name, i, len, declared_left (r));
          if (!(p = take (r, len, what)))
            return 0;
          if (memchr (p, 0, len))
            return fail (r, CE_ERR_FORMAT, "checkpoint list '%s' item %u contains a NUL byte", name, i);
          text_size += (size_t) len + 1;
        }

      if (!ck)
        continue;
      ListStore *st = &ck->list_store[ck->n_lists];
      CeStringList *sl = &ck->lists[ck->n_lists];
      memcpy (st->name, name, sizeof name);
      st->items = calloc (n_items ? n_items : 1, sizeof *st->items);
      st->text = malloc (text_size ? text_size : 1);
      if (!st->items || !st->text)
        {
          free (st->items);
          free (st->text);
          st->items = NULL;
          st->text = NULL;
          return fail (r, CE_ERR_NOMEM, "out of memory reading list '%s'", name);
        }
      ck->n_lists++;
      size_t q = start, t = 0;
      for (uint32_t i = 0; i < n_items; i++)
        {
          uint32_t len = get_u32 (r->data + q);
          memcpy (st->text + t, r->data + q + 4, len);
          st->text[t + len] = '\0';
          st->items[i] = st->text + t;
          t += (size_t) len + 1;
          q += 4 + (size_t) len;
        }
      sl->name = st->name;
      sl->n = (int) n_items;
      sl->items = (const char *const *) st->items;
    }
  return 1;
}

static void
format_shape (char *buf, size_t size, int ndim, const int64_t *shape)
{
  size_t used = 0;
  buf[0] = '\0';
  for (int d = 0; d < ndim && used < size; d++)
    used += (size_t) snprintf (buf + used, size - used, d ? ", %lld" : "[%lld", (long long) shape[d]);
  if (used < size)
    snprintf (buf + used, size - used, "]");
}

static int
read_tensors (Reader *r, CeCheckpoint *ck, Tensor *scratch_one)
{
  const uint8_t *p;
  uint32_t n_tensors;
  /* each entry takes at least 4 + 1 + 4 + 8 + 8 bytes */
  if (!read_count (r, "tensors", 25, &n_tensors))
    return 0;
  if (ck && n_tensors > 0)
    {
      ck->tensors = calloc (n_tensors, sizeof *ck->tensors);
      if (!ck->tensors)
        return fail (r, CE_ERR_NOMEM, "out of memory reading %u tensor entries", n_tensors);
    }

  /* In the validation-only pass, entries are checked one at a time in
   * SCRATCH_ONE and re-decoded from the table for the payload bounds. */
  size_t table_start = r->pos;

  for (uint32_t t = 0; t < n_tensors; t++)
    {
      Tensor *ten = ck ? &ck->tensors[t] : scratch_one;
      char what[CE_CKPT_NAME_MAX + 48];

      memset (ten, 0, sizeof *ten);
      if (!read_name (r, ten->name, "a tensor name"))
        return 0;
      if (ck)
        for (uint32_t k = 0; k < t; k++)
          if (strcmp (ck->tensors[k].name, ten->name) == 0)
            return fail (r, CE_ERR_FORMAT, "checkpoint has two tensors named '%s'", ten->name);

      snprintf (what, sizeof what, "the table entry of tensor '%s'", ten->name);
      if (!(p = take (r, 4, what)))
        return 0;
      uint32_t ndim = get_u32 (p);
      if (ndim < 1 || ndim > CE_CKPT_MAX_DIMS)
        return fail (r, CE_ERR_FORMAT, "checkpoint tensor '%s' has %u dimensions (1..%d allowed)",
                     ten->name, ndim, CE_CKPT_MAX_DIMS);
      ten->ndim = (int) ndim;
      if (!(p = take (r, 8 * (size_t) ndim + 8, what)))
        return 0;

      /* A tensor cannot hold more floats than the bytes that may follow. */
      uint64_t cap = declared_left (r) / 4, n = 1;
      for (uint32_t d = 0; d < ndim; d++)
        {
          uint64_t dim = get_u64 (p + 8 * d);
          ten->shape[d] = dim > INT64_MAX ? INT64_MAX : (int64_t) dim;
          if (dim == 0 || dim > cap || n > cap / dim)
            {
              char shape[96];
              format_shape (shape, sizeof shape, (int) d + 1, ten->shape);
              return fail (r, CE_ERR_FORMAT,
                           "checkpoint tensor '%s' has an absurd shape %s%s: more than the %llu floats the file can hold",
                           ten->name, shape, d + 1 < ndim ? "…" : "", (unsigned long long) cap);
            }
          n *= dim;
        }
      ten->n_elem = n;
      ten->offset = get_u64 (p + 8 * ndim);
      if (ten->offset % 4 != 0)
        return fail (r, CE_ERR_FORMAT, "checkpoint tensor '%s' has a misaligned offset %llu",
                     ten->name, (unsigned long long) ten->offset);
    }
  if (ck)
    ck->n_tensors = (int) n_tensors;

  /* The payload. */
  if (!(p = take (r, 8, "the payload size")))
    return 0;
  uint64_t payload_size = get_u64 (p);
  if (payload_size % 4 != 0 || payload_size > declared_left (r))
    return fail (r, CE_ERR_FORMAT, "checkpoint payload size %llu is invalid (%zu bytes remain)",
                 (unsigned long long) payload_size, declared_left (r));
  size_t payload_start = r->pos;

  /* Every tensor lies inside the payload; a short file names the first
   * tensor whose data is missing. */
  size_t q = table_start;
  for (uint32_t t = 0; t < n_tensors; t++)
    {
      Tensor one;
      const Tensor *ten;
      if (ck)
        ten = &ck->tensors[t];
      else
        {
          /* re-decode the entry (validated above) */
          uint32_t len = get_u32 (r->data + q);
          memset (&one, 0, sizeof one);
          memcpy (one.name, r->data + q + 4, len);
          q += 4 + len;
          uint32_t ndim = get_u32 (r->data + q);
          q += 4;
          one.n_elem = 1;
          for (uint32_t d = 0; d < ndim; d++)
            one.n_elem *= get_u64 (r->data + q + 8 * d);
          one.offset = get_u64 (r->data + q + 8 * ndim);
          q += 8 * (size_t) ndim + 8;
          ten = &one;
        }
      uint64_t bytes = ten->n_elem * 4;
      if (ten->offset > payload_size || bytes > payload_size - ten->offset)
        return fail (r, CE_ERR_FORMAT, "checkpoint tensor '%s' lies outside the payload (offset %llu, %llu bytes, payload %llu)",
                     ten->name, (unsigned long long) ten->offset, (unsigned long long) bytes,
                     (unsigned long long) payload_size);
      if (payload_start + ten->offset + bytes > r->avail)
        {
          r->pos = payload_start + ten->offset;
          char what[CE_CKPT_NAME_MAX + 32];
          snprintf (what, sizeof what, "tensor data for '%s'", ten->name);
          r->status = CE_ERR_TRUNCATED;
          set_msg (r->msg, "checkpoint is truncated at byte %zu (expected %s)", r->avail, what);
          return 0;
        }
    }
  if (!take (r, payload_size, "the rest of the payload"))
    return 0;

  if (ck && payload_size > 0)
    {
      ck->payload = malloc (payload_size);
      if (!ck->payload)
        return fail (r, CE_ERR_NOMEM, "out of memory reading a %llu-byte payload", (unsigned long long) payload_size);
      size_t nf = payload_size / 4;
      for (size_t i = 0; i < nf; i++)
        ck->payload[i] = get_f32 (r->data + payload_start + 4 * i);
      for (uint32_t t = 0; t < n_tensors; t++)
        ck->tensors[t].data = ck->payload + ck->tensors[t].offset / 4;
    }
  return 1;
}

/* Walks the body. CK NULL: validation only, nothing allocated. */
static int
parse_body (Reader *r, CeCheckpoint *ck)
{
  const uint8_t *p;
  Tensor scratch_one;

  if (!(p = take (r, 8, "the kind tag and config size")))
    return 0;
  uint32_t kind = get_u32 (p), config_size = get_u32 (p + 4);
  if (config_size > declared_left (r))
    return fail (r, CE_ERR_FORMAT, "checkpoint config size %u is more than the %zu remaining bytes",
                 config_size, declared_left (r));
  if (!(p = take (r, config_size, "the config blob")))
    return 0;
  if (ck)
    {
      ck->kind_tag = kind;
      ck->config_size = config_size;
      ck->config = malloc (config_size ? config_size : 1);
      if (!ck->config)
        return fail (r, CE_ERR_NOMEM, "out of memory reading the config");
      memcpy (ck->config, p, config_size);
    }
  if (!read_lists (r, ck) || !read_tensors (r, ck, &scratch_one))
    return 0;
  if (r->pos != r->end)
    return fail (r, CE_ERR_FORMAT, "checkpoint has %zu unexpected bytes after the payload", r->end - r->pos);
  return 1;
}

CeCheckpoint *
ce_checkpoint_read_buffer (const uint8_t *data, size_t size, CeStatus *status, char *msg)
{
  CeStatus dummy;
  if (!status)
    status = &dummy;
  if (msg)
    msg[0] = '\0';
  if (!data && size > 0)
    {
      *status = CE_ERR_INVALID_ARG;
      set_msg (msg, "no checkpoint data");
      return NULL;
    }

  size_t cmp = size < MAGIC_SIZE ? size : MAGIC_SIZE;
  if (memcmp (data, MAGIC, cmp) != 0)
    {
      *status = CE_ERR_FORMAT;
      set_msg (msg, "not a Copyist checkpoint (wrong magic)");
      return NULL;
    }
  if (size < HEADER_SIZE)
    {
      *status = CE_ERR_TRUNCATED;
      set_msg (msg, "checkpoint is truncated at byte %zu (expected the %d-byte header)", size, HEADER_SIZE);
      return NULL;
    }
  uint32_t version = get_u32 (data + 8);
  if (version == 0)
    {
      *status = CE_ERR_FORMAT;
      set_msg (msg, "checkpoint format version 0 is not valid");
      return NULL;
    }
  if (version > FORMAT_VERSION)
    {
      *status = CE_ERR_VERSION;
      set_msg (msg, "checkpoint format version %u is newer than this Copyist (%u)", version, FORMAT_VERSION);
      return NULL;
    }
  uint32_t crc = get_u32 (data + 12);
  uint64_t body_size = get_u64 (data + 16);
  size_t avail = size - HEADER_SIZE;

  if (body_size > avail)
    {
      /* Say where it ends early: walk the structure over the bytes present,
       * capping sizes by what the header declares. */
      Reader r = { data, size, body_size > SIZE_MAX - HEADER_SIZE ? SIZE_MAX : (size_t) body_size + HEADER_SIZE,
                   HEADER_SIZE, CE_OK, msg };
      if (!parse_body (&r, NULL) && r.status == CE_ERR_TRUNCATED)
        {
          *status = CE_ERR_TRUNCATED;
          return NULL;
        }
      *status = CE_ERR_TRUNCATED;
      set_msg (msg, "checkpoint is truncated at byte %zu (the header declares %llu bytes)",
               size, (unsigned long long) body_size + HEADER_SIZE);
      return NULL;
    }
  if (body_size < avail)
    {
      *status = CE_ERR_FORMAT;
      set_msg (msg, "checkpoint has %zu bytes after its declared end (byte %llu)",
               avail - (size_t) body_size, (unsigned long long) body_size + HEADER_SIZE);
      return NULL;
    }
  uint32_t computed = ce_crc32 (data + HEADER_SIZE, avail);
  if (computed != crc)
    {
      *status = CE_ERR_FORMAT;
      set_msg (msg, "checkpoint CRC mismatch (stored %08x, computed %08x)", crc, computed);
      return NULL;
    }

  CeCheckpoint *ck = calloc (1, sizeof *ck);
  if (!ck)
    {
      *status = CE_ERR_NOMEM;
      set_msg (msg, "out of memory");
      return NULL;
    }
  Reader r = { data, size, size, HEADER_SIZE, CE_OK, msg };
  if (!parse_body (&r, ck))
    {
      *status = r.status;
      ce_checkpoint_free (ck);
      return NULL;
    }
  *status = CE_OK;
  return ck;
}

CeCheckpoint *
ce_checkpoint_read (const char *path, CeStatus *status, char *msg)
{
  CeStatus dummy;
  char err[128];
  if (!status)
    status = &dummy;

  FILE *f = fopen (path, "rb");
  if (!f)
    {
      errno_text (errno, err, sizeof err);
      *status = CE_ERR_IO;
      set_msg (msg, "cannot open checkpoint '%s': %s", path, err);
      return NULL;
    }
  struct stat st;
  if (fstat (fileno (f), &st) != 0 || st.st_size < 0)
    {
      errno_text (errno, err, sizeof err);
      fclose (f);
      *status = CE_ERR_IO;
      set_msg (msg, "cannot read checkpoint '%s': %s", path, err);
      return NULL;
    }
  size_t size = (size_t) st.st_size;
  uint8_t *buf = malloc (size ? size : 1);
  if (!buf)
    {
      fclose (f);
      *status = CE_ERR_NOMEM;
      set_msg (msg, "out of memory reading checkpoint '%s' (%zu bytes)", path, size);
      return NULL;
    }
  size_t got = fread (buf, 1, size, f);
  int read_err = ferror (f) ? errno : 0;
  fclose (f);
  if (read_err)
    {
      errno_text (read_err, err, sizeof err);
      free (buf);
      *status = CE_ERR_IO;
      set_msg (msg, "cannot read checkpoint '%s': %s", path, err);
      return NULL;
    }

  CeCheckpoint *ck = ce_checkpoint_read_buffer (buf, got, status, msg);
  free (buf);
  return ck;
}

/* ---- accessors ---------------------------------------------------------------- */

uint32_t
ce_checkpoint_kind_tag (const CeCheckpoint *ckpt)
{
  return ckpt->kind_tag;
}

const void *
ce_checkpoint_config (const CeCheckpoint *ckpt, size_t *size)
{
  if (size)
    *size = ckpt->config_size;
  return ckpt->config;
}

int
ce_checkpoint_n_lists (const CeCheckpoint *ckpt)
{
  return ckpt->n_lists;
}

const CeStringList *
ce_checkpoint_list (const CeCheckpoint *ckpt, int i)
{
  if (i < 0 || i >= ckpt->n_lists)
    return NULL;
  return &ckpt->lists[i];
}

const CeStringList *
ce_checkpoint_find_list (const CeCheckpoint *ckpt, const char *name)
{
  for (int i = 0; i < ckpt->n_lists; i++)
    if (strcmp (ckpt->lists[i].name, name) == 0)
      return &ckpt->lists[i];
  return NULL;
}

int
ce_checkpoint_n_tensors (const CeCheckpoint *ckpt)
{
  return ckpt->n_tensors;
}

const float *
ce_checkpoint_tensor_at (const CeCheckpoint *ckpt, int i, const char **name, int *ndim, int64_t *shape)
{
  if (i < 0 || i >= ckpt->n_tensors)
    return NULL;
  const Tensor *t = &ckpt->tensors[i];
  if (name)
    *name = t->name;
  if (ndim)
    *ndim = t->ndim;
  if (shape)
    for (int d = 0; d < CE_CKPT_MAX_DIMS; d++)
      shape[d] = d < t->ndim ? t->shape[d] : 0;
  return t->data;
}

const float *
ce_checkpoint_tensor (const CeCheckpoint *ckpt, const char *name,
                      int ndim, const int64_t *shape, char *msg)
{
  for (int i = 0; i < ckpt->n_tensors; i++)
    {
      const Tensor *t = &ckpt->tensors[i];
      if (strcmp (t->name, name) != 0)
        continue;
      int same = t->ndim == ndim;
      for (int d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
      if (!same)
        {
          char have[96], want[96];
          format_shape (have, sizeof have, t->ndim, t->shape);
          format_shape (want, sizeof want, ndim < 0 ? 0 : ndim > CE_CKPT_MAX_DIMS ? CE_CKPT_MAX_DIMS : ndim, shape);
          set_msg (msg, "checkpoint tensor '%s' has shape %s, expected %s", name, have, want);
          return NULL;
        }
      return t->data;
    }
  set_msg (msg, "checkpoint has no tensor '%s'", name);
  return NULL;
}

