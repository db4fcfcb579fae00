/* test-engine-checkpoint.c — the checkpoint container: bit-exact round trips,
 * and every kind of damage rejected with the right status and message.
 * Damaged inputs are always exact-size heap copies, so AddressSanitizer sees
 * any read past their end. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "ce-checkpoint.h"

#define HEADER 24

typedef struct {
  float emb[5 * 3];
  float wh[6 * 2 * 2];
  float bias[7];
  uint8_t config[37];
} Sample;

static const char *vocab_items[] = { "<pad>", "<unk>", "red", "红色", "", "cotton blend" };
static const char *field_items[] = { "color", "材质" };

static void
sample_init (Sample *s)
{
  CeRng rng;
  ce_rng_seed (&rng, 2024);
  for (gsize i = 0; i < G_N_ELEMENTS (s->emb); i++)
    s->emb[i] = ce_rng_normal (&rng);
  for (gsize i = 0; i < G_N_ELEMENTS (s->wh); i++)
    s->wh[i] = ce_rng_normal (&rng) * 1e-3f;
  /* values whose bits must survive exactly */
  s->bias[0] = -0.0f;
  s->bias[1] = 1e-42f; /* subnormal */
  s->bias[2] = INFINITY;
  s->bias[3] = -INFINITY;
  s->bias[4] = NAN;
  s->bias[5] = 3.4028235e38f;
  s->bias[6] = 1.0f / 3.0f;
  for (gsize i = 0; i < sizeof s->config; i++)
    s->config[i] = (uint8_t) (i * 37 + 11);
}

/* The sample's lists and tensors, as a writer takes them. */
typedef struct {
  CeStringList lists[3];
  CeCkptTensor tensors[3];
} SampleParts;

static void
sample_parts (const Sample *s, SampleParts *p)
{
  const SampleParts parts = {
    .lists = {
      { "vocab", G_N_ELEMENTS (vocab_items), vocab_items },
      { "fields", G_N_ELEMENTS (field_items), field_items },
      { "meta", 0, NULL },
    },
    .tensors = {
      { "enc.emb", 2, { 5, 3 }, s->emb },
      { "dec.Wh", 3, { 6, 2, 2 }, s->wh },
      { "dec.b", 1, { 7 }, s->bias },
    },
  };
  *p = parts;
}

static CeStatus
sample_write_buffer (const Sample *s, uint8_t **buf, size_t *size, char *msg)
{
  SampleParts p;
  sample_parts (s, &p);
  return ce_checkpoint_write_buffer (buf, size, 7u, s->config, sizeof s->config, p.lists, 3, p.tensors, 3, msg);
}

static CeStatus
sample_write_file (const Sample *s, const char *path, char *msg)
{
  SampleParts p;
  sample_parts (s, &p);
  return ce_checkpoint_write (path, 7u, s->config, sizeof s->config, p.lists, 3, p.tensors, 3, msg);
}

/* Everything read back equals the sample, bit for bit. */
static void
assert_sample (const CeCheckpoint *ck, const Sample *s)
{
  size_t csize = 0;
  const void *config = ce_checkpoint_config (ck, &csize);
  char msg[CE_MSG_SIZE];

  g_assert_cmpuint (ce_checkpoint_kind_tag (ck), ==, 7u);
  g_assert_cmpmem (config, csize, s->config, sizeof s->config);

  g_assert_cmpint (ce_checkpoint_n_lists (ck), ==, 3);
  const CeStringList *v = ce_checkpoint_list (ck, 0);
  g_assert_cmpstr (v->name, ==, "vocab");
  g_assert_cmpint (v->n, ==, G_N_ELEMENTS (vocab_items));
  for (int i = 0; i < v->n; i++)
    g_assert_cmpstr (v->items[i], ==, vocab_items[i]);
  const CeStringList *f = ce_checkpoint_find_list (ck, "fields");
  g_assert_nonnull (f);
  g_assert_cmpstr (f->items[1], ==, "材质");
  g_assert_cmpint (ce_checkpoint_find_list (ck, "meta")->n, ==, 0);
  g_assert_null (ce_checkpoint_find_list (ck, "nope"));
  g_assert_null (ce_checkpoint_list (ck, 3));

  const int64_t emb_shape[] = { 5, 3 }, wh_shape[] = { 6, 2, 2 }, b_shape[] = { 7 };
  const float *emb = ce_checkpoint_tensor (ck, "enc.emb", 2, emb_shape, msg);
  const float *wh = ce_checkpoint_tensor (ck, "dec.Wh", 3, wh_shape, msg);
  const float *b = ce_checkpoint_tensor (ck, "dec.b", 1, b_shape, msg);
  g_assert_nonnull (emb);
  g_assert_nonnull (wh);
  g_assert_nonnull (b);
  g_assert_cmpmem (emb, sizeof s->emb, s->emb, sizeof s->emb);
  g_assert_cmpmem (wh, sizeof s->wh, s->wh, sizeof s->wh);
  g_assert_cmpmem (b, sizeof s->bias, s->bias, sizeof s->bias);

  g_assert_cmpint (ce_checkpoint_n_tensors (ck), ==, 3);
  const char *name = NULL;
  int ndim = 0;
  int64_t shape[CE_CKPT_MAX_DIMS];
  g_assert_true (ce_checkpoint_tensor_at (ck, 1, &name, &ndim, shape) == wh);
  g_assert_cmpstr (name, ==, "dec.Wh");
  g_assert_cmpint (ndim, ==, 3);
  g_assert_cmpint (shape[2], ==, 2);
  g_assert_cmpint (shape[3], ==, 0);

  /* the wrong shape, or a missing name, says which */
  const int64_t wrong[] = { 3, 5 };
  g_assert_null (ce_checkpoint_tensor (ck, "enc.emb", 2, wrong, msg));
  g_assert_cmpstr (msg, ==, "checkpoint tensor 'enc.emb' has shape [5, 3], expected [3, 5]");
  g_assert_null (ce_checkpoint_tensor (ck, "dec.Wx", 2, wrong, msg));
  g_assert_cmpstr (msg, ==, "checkpoint has no tensor 'dec.Wx'");
}

/* An exact-size heap copy of the first SIZE bytes, read back; must fail. */
static CeStatus
read_damaged (const uint8_t *data, size_t size, char *msg)
{
  uint8_t *copy = g_malloc (size ? size : 1);
  CeStatus st = CE_OK;
  memcpy (copy, data, size);
  CeCheckpoint *ck = ce_checkpoint_read_buffer (copy, size, &st, msg);
  g_free (copy);
  if (ck)
    {
      ce_checkpoint_free (ck);
      g_test_fail_printf ("damaged checkpoint (%zu bytes) was accepted", size);
    }
  return st;
}

static void
test_crc32 (void)
{
  g_assert_cmphex (ce_crc32 ("123456789", 9), ==, 0xCBF43926u);
  g_assert_cmphex (ce_crc32 ("", 0), ==, 0u);
  /* the sliced version against the byte-wise reference: every length up
   * to 70 at every start offset mod 8, and a long buffer */
  {
    uint8_t buf[4096 + 8];
    CeRng rng;
    ce_rng_seed (&rng, 11);
    for (size_t i = 0; i < sizeof buf; i++)
      buf[i] = (uint8_t) ce_rng_next (&rng);
    for (size_t off = 0; off < 8; off++)
      for (size_t len = 0; len <= 70; len++)
        g_assert_cmphex (ce_crc32 (buf + off, len), ==, ce_crc32_ref (buf + off, len));
    g_assert_cmphex (ce_crc32 (buf + 3, 4096), ==, ce_crc32_ref (buf + 3, 4096));
    g_assert_cmphex (ce_crc32_ref ("123456789", 9), ==, 0xCBF43926u);
  }
}

static void
test_round_trip_buffer (void)
{
  Sample s;
  uint8_t *buf = NULL, *buf2 = NULL;
  size_t size = 0, size2 = 0;
  char msg[CE_MSG_SIZE];
  CeStatus st;

  sample_init (&s);
  g_assert_cmpint (sample_write_buffer (&s, &buf, &size, msg), ==, CE_OK);
  g_assert_cmpmem (buf, 8, "CPYSTMDL", 8);
  g_assert_cmpuint (buf[8], ==, 1); /* version 1, little-endian */
  g_assert_cmpuint (buf[9] | buf[10] | buf[11], ==, 0);

  CeCheckpoint *ck = ce_checkpoint_read_buffer (buf, size, &st, msg);
  g_assert_cmpint (st, ==, CE_OK);
  g_assert_nonnull (ck);
  assert_sample (ck, &s);
  ce_checkpoint_free (ck);

  /* writing the same contents again gives the same bytes */
  g_assert_cmpint (sample_write_buffer (&s, &buf2, &size2, msg), ==, CE_OK);
  g_assert_cmpmem (buf, size, buf2, size2);
  g_free (buf);
  g_free (buf2);
}

static void
test_round_trip_file (void)
{
  Sample s;
  char msg[CE_MSG_SIZE];
  CeStatus st;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ckpt-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "model.cpm", NULL);

  sample_init (&s);
  g_assert_cmpint (sample_write_file (&s, path, msg), ==, CE_OK);
  /* overwriting an existing file works too (rename over it) */
  g_assert_cmpint (sample_write_file (&s, path, msg), ==, CE_OK);

  CeCheckpoint *ck = ce_checkpoint_read (path, &st, msg);
  g_assert_cmpint (st, ==, CE_OK);
  assert_sample (ck, &s);
  ce_checkpoint_free (ck);

  /* the file holds exactly the buffer's bytes, and nothing else is left */
  g_autofree char *contents = NULL;
  gsize len = 0;
  uint8_t *buf;
  size_t size;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpint (sample_write_buffer (&s, &buf, &size, msg), ==, CE_OK);
  g_assert_cmpmem (contents, len, buf, size);
  g_free (buf);

  GDir *d = g_dir_open (dir, 0, NULL);
  int n = 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  g_assert_cmpint (n, ==, 1);

  /* a missing file is an I/O error naming it */
  g_autofree char *missing = g_build_filename (dir, "absent.cpm", NULL);
  g_assert_null (ce_checkpoint_read (missing, &st, msg));
  g_assert_cmpint (st, ==, CE_ERR_IO);
  g_assert_nonnull (strstr (msg, "absent.cpm"));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_truncation (void)
{
  Sample s;
  uint8_t *buf;
  size_t size;
  char msg[CE_MSG_SIZE];
  int in_header = 0, in_lists = 0, in_table = 0, in_payload = 0, points = 0;

  sample_init (&s);
  g_assert_cmpint (sample_write_buffer (&s, &buf, &size, msg), ==, CE_OK);

  /* every header length, then 40 points spread over the body */
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (size_t));
  for (size_t c = 0; c < HEADER; c += 3)
    g_array_append_val (cuts, c);
  for (int k = 0; k <= 40; k++)
    {
      size_t c = HEADER + (size - HEADER) * (size_t) k / 41;
      g_array_append_val (cuts, c);
    }
  size_t last = size - 1;
  g_array_append_val (cuts, last);

  for (guint i = 0; i < cuts->len; i++)
    {
      size_t cut = g_array_index (cuts, size_t, i);
      CeStatus st = read_damaged (buf, cut, msg);
      g_test_message ("cut at %zu: %s", cut, msg);
      g_assert_cmpint (st, ==, CE_ERR_TRUNCATED);
      g_autofree char *prefix = g_strdup_printf ("checkpoint is truncated at byte %zu (expected ", cut);
      g_assert_true (g_str_has_prefix (msg, prefix));
      in_header += strstr (msg, "header") != NULL;
      in_lists += strstr (msg, "list") != NULL;
      in_table += strstr (msg, "table entry") != NULL || strstr (msg, "tensor name") != NULL;
      in_payload += strstr (msg, "tensor data for") != NULL;
      points++;
    }
  g_assert_cmpint (points, >=, 20);
  g_assert_cmpint (in_header, >=, 3);
  g_assert_cmpint (in_lists, >=, 3);
  g_assert_cmpint (in_table, >=, 2);
  g_assert_cmpint (in_payload, >=, 3);

  /* the exact message for a cut inside a tensor's data: dec.Wh is the
   * second tensor, its data starts after enc.emb's 60 bytes. */
  size_t payload_start = size - sizeof s.emb - sizeof s.wh - sizeof s.bias;
  size_t cut = payload_start + sizeof s.emb + 10;
  g_assert_cmpint (read_damaged (buf, cut, msg), ==, CE_ERR_TRUNCATED);
  g_autofree char *expected = g_strdup_printf ("checkpoint is truncated at byte %zu (expected tensor data for 'dec.Wh')", cut);
  g_assert_cmpstr (msg, ==, expected);

  g_array_unref (cuts);
  g_free (buf);
}

static void
test_byte_flips (void)
{
  Sample s;
  uint8_t *buf;
  size_t size;
  char msg[CE_MSG_SIZE];
  CeRng rng;
  int by_status[CE_STATUS_COUNT] = { 0 }, crc = 0;

  sample_init (&s);
  g_assert_cmpint (sample_write_buffer (&s, &buf, &size, msg), ==, CE_OK);
  ce_rng_seed (&rng, 20240601);
  for (int k = 0; k < 100; k++)
    {
      size_t pos = ce_rng_below (&rng, (uint32_t) size);
      uint8_t delta = (uint8_t) (1 + ce_rng_below (&rng, 255)); /* never 0 */
      buf[pos] ^= delta;
      CeStatus st = read_damaged (buf, size, msg);
      buf[pos] ^= delta;
      g_assert_cmpint (st, !=, CE_OK);
      g_assert_cmpint (st, <, CE_STATUS_COUNT);
      g_assert_cmpstr (msg, !=, "");
      by_status[st]++;
      crc += strstr (msg, "CRC mismatch") != NULL;
    }
  g_test_message ("100 flips: %d CRC, %d format, %d version, %d truncated", crc,
                  by_status[CE_ERR_FORMAT], by_status[CE_ERR_VERSION], by_status[CE_ERR_TRUNCATED]);
  g_assert_cmpint (crc, >, 50); /* most bytes are in the body */

  /* and the intact buffer still reads */
  CeStatus st;
  CeCheckpoint *ck = ce_checkpoint_read_buffer (buf, size, &st, msg);
  g_assert_nonnull (ck);
  ce_checkpoint_free (ck);
  g_free (buf);
}

static void
test_magic_and_version (void)
{
  Sample s;
  uint8_t *buf;
  size_t size;
  char msg[CE_MSG_SIZE];

  sample_init (&s);
  g_assert_cmpint (sample_write_buffer (&s, &buf, &size, msg), ==, CE_OK);

  buf[0] = 'X';
  g_assert_cmpint (read_damaged (buf, size, msg), ==, CE_ERR_FORMAT);
  g_assert_cmpstr (msg, ==, "not a Copyist checkpoint (wrong magic)");
  g_assert_cmpint (read_damaged ((const uint8_t *) "PK\3\4", 4, msg), ==, CE_ERR_FORMAT);
  buf[0] = 'C';

  buf[8] = 9;
  g_assert_cmpint (read_damaged (buf, size, msg), ==, CE_ERR_VERSION);
  g_assert_cmpstr (msg, ==, "checkpoint format version 9 is newer than this Copyist (1)");
  buf[8] = 0;
  buf[11] = 1; /* version 2^24 */
  g_assert_cmpint (read_damaged (buf, size, msg), ==, CE_ERR_VERSION);
  buf[11] = 0;
  g_assert_cmpint (read_damaged (buf, size, msg), ==, CE_ERR_FORMAT); /* version 0 */
  g_assert_cmpstr (msg, ==, "checkpoint format version 0 is not valid");
  buf[8] = 1;

  /* a byte too many */
  uint8_t *longer = g_malloc (size + 1);
  memcpy (longer, buf, size);
  longer[size] = 0;
  g_assert_cmpint (read_damaged (longer, size + 1, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "after its declared end"));
  g_free (longer);
  g_free (buf);
}

/* Little-endian patch helpers, and the CRC made valid again, so that the
 * structural checks (not the CRC) must catch the damage. */
static void
put64 (uint8_t *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t) (v >> (8 * i));
}

static void
put32 (uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t) (v >> (8 * i));
}

static void
fix_crc (uint8_t *buf, size_t size)
{
  put32 (buf + 12, ce_crc32 (buf + HEADER, size - HEADER));
}

static size_t
find (const uint8_t *buf, size_t size, const char *needle)
{
  size_t n = strlen (needle);
  for (size_t i = 0; i + n <= size; i++)
    if (memcmp (buf + i, needle, n) == 0)
      return i;
  g_assert_not_reached ();
  return 0;
}

static void
test_absurd_sizes (void)
{
  Sample s;
  uint8_t *buf;
  size_t size;
  char msg[CE_MSG_SIZE];

  sample_init (&s);
  g_assert_cmpint (sample_write_buffer (&s, &buf, &size, msg), ==, CE_OK);
  uint8_t *work = g_malloc (size);

  /* enc.emb claims 2^20 x 2^20 = 2^40 floats, with a valid CRC */
  size_t entry = find (buf, size, "enc.emb") + 7; /* -> ndim */
  memcpy (work, buf, size);
  put64 (work + entry + 4, (uint64_t) 1 << 20);
  put64 (work + entry + 12, (uint64_t) 1 << 20);
  fix_crc (work, size);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "'enc.emb' has an absurd shape"));

  /* a dimension of 2^63 */
  memcpy (work, buf, size);
  put64 (work + entry + 4, (uint64_t) 1 << 63);
  fix_crc (work, size);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "absurd shape"));

  /* a zero dimension, five dimensions */
  memcpy (work, buf, size);
  put64 (work + entry + 4, 0);
  fix_crc (work, size);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_FORMAT);
  memcpy (work, buf, size);
  put32 (work + entry, 5);
  fix_crc (work, size);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "5 dimensions"));

  /* the vocabulary claims 2^31 items */
  size_t vocab = find (buf, size, "vocab") + 5;
  memcpy (work, buf, size);
  put32 (work + vocab, 0x80000000u);
  fix_crc (work, size);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "list 'vocab' declares 2147483648 items"));

  /* a 4 GiB string */
  memcpy (work, buf, size);
  put32 (work + vocab + 4, 0xFFFFFFF0u);
  fix_crc (work, size);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_FORMAT);

  /* a header claiming 2^62 bytes: truncated, nothing allocated for it */
  memcpy (work, buf, size);
  put64 (work + 16, (uint64_t) 1 << 62);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_TRUNCATED);

  /* a tensor outside the payload */
  memcpy (work, buf, size);
  put64 (work + entry + 4 + 16, 4096); /* enc.emb's offset */
  fix_crc (work, size);
  g_assert_cmpint (read_damaged (work, size, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "outside the payload"));

  /* duplicate names: rename "dec.b" to "dec.W" … and "dec.Wh" stays; make
   * two tensors equal by renaming enc.emb's first bytes */
  CeCkptTensor two[] = { { "ab", 1, { 2 }, s.emb }, { "ac", 1, { 2 }, s.emb } };
  uint8_t *dup;
  size_t dup_size;
  g_assert_cmpint (ce_checkpoint_write_buffer (&dup, &dup_size, 1, NULL, 0, NULL, 0, two, 2, msg), ==, CE_OK);
  dup[find (dup, dup_size, "ac") + 1] = 'b';
  fix_crc (dup, dup_size);
  g_assert_cmpint (read_damaged (dup, dup_size, msg), ==, CE_ERR_FORMAT);
  g_assert_cmpstr (msg, ==, "checkpoint has two tensors named 'ab'");
  g_free (dup);

  CeStringList lists[] = { { "xa", 0, NULL }, { "xb", 0, NULL } };
  g_assert_cmpint (ce_checkpoint_write_buffer (&dup, &dup_size, 1, NULL, 0, lists, 2, NULL, 0, msg), ==, CE_OK);
  dup[find (dup, dup_size, "xb") + 1] = 'a';
  fix_crc (dup, dup_size);
  g_assert_cmpint (read_damaged (dup, dup_size, msg), ==, CE_ERR_FORMAT);
  g_assert_cmpstr (msg, ==, "checkpoint has two string lists named 'xa'");
  g_free (dup);

  /* the writer refuses duplicates and bad shapes itself */
  CeCkptTensor same[] = { { "ab", 1, { 2 }, s.emb }, { "ab", 1, { 2 }, s.emb } };
  g_assert_cmpint (ce_checkpoint_write_buffer (&dup, &dup_size, 1, NULL, 0, NULL, 0, same, 2, msg), ==, CE_ERR_INVALID_ARG);
  CeCkptTensor bad[] = { { "ab", 1, { 0 }, s.emb } };
  g_assert_cmpint (ce_checkpoint_write_buffer (&dup, &dup_size, 1, NULL, 0, NULL, 0, bad, 1, msg), ==, CE_ERR_INVALID_ARG);
  g_assert_null (dup);

  g_free (work);
  g_free (buf);
}

static int
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  int n = 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  return n;
}

static void
test_write_errors (void)
{
  Sample s;
  char msg[CE_MSG_SIZE];
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ckpt-XXXXXX", &error);
  g_assert_no_error (error);

  sample_init (&s);

  /* a directory that does not exist */
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "model.cpm", NULL);
  g_assert_cmpint (sample_write_file (&s, nowhere, msg), ==, CE_ERR_IO);
  g_assert_nonnull (strstr (msg, "No such file or directory"));
  g_assert_cmpint (count_entries (dir), ==, 0);

  /* the target is a directory: the temporary file is written, the rename
   * fails, and the temporary file is removed again */
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_cmpint (sample_write_file (&s, sub, msg), ==, CE_ERR_IO);
  g_assert_nonnull (strstr (msg, "rename"));
  g_assert_cmpint (count_entries (dir), ==, 1);
  g_rmdir (sub);

  /* a read-only directory (root ignores the mode, so only as a user) */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (dir, "ro", NULL);
      g_autofree char *target = g_build_filename (ro, "model.cpm", NULL);
      g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
      g_assert_cmpint (sample_write_file (&s, target, msg), ==, CE_ERR_IO);
      g_assert_nonnull (strstr (msg, "Permission denied"));
      g_assert_cmpint (count_entries (ro), ==, 0);
      g_chmod (ro, 0700);
      g_rmdir (ro);
    }
  else if (g_file_test ("/sys", G_FILE_TEST_IS_DIR))
    {
      /* root may write anywhere the mode forbids, but not into sysfs */
      g_assert_cmpint (sample_write_file (&s, "/sys/copyist-test-model.cpm", msg), ==, CE_ERR_IO);
      g_assert_nonnull (strstr (msg, "cannot create a temporary file"));
      g_assert_false (g_file_test ("/sys/copyist-test-model.cpm", G_FILE_TEST_EXISTS));
    }
  else
    g_test_message ("running as root without /sys: read-only directory case not checked");

  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/checkpoint/crc32", test_crc32);
  g_test_add_func ("/engine/checkpoint/round-trip-buffer", test_round_trip_buffer);
  g_test_add_func ("/engine/checkpoint/round-trip-file", test_round_trip_file);
  g_test_add_func ("/engine/checkpoint/truncation", test_truncation);
  g_test_add_func ("/engine/checkpoint/byte-flips", test_byte_flips);
  g_test_add_func ("/engine/checkpoint/magic-version", test_magic_and_version);
  g_test_add_func ("/engine/checkpoint/absurd-sizes", test_absurd_sizes);
  g_test_add_func ("/engine/checkpoint/write-errors", test_write_errors);

  return g_test_run ();
}
