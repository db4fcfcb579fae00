/* fuzz-checkpoint.c — model files (engine/ce-checkpoint.c, ce-model-io.c,
 * ce-copywriter.c) under libFuzzer: what a merchant opens when a colleague
 * shares a model.
 *
 * A checkpoint carries a CRC-32 of its body, so nearly every mutation
 * would stop at the CRC check. Unless the input's version field reads
 * "NOFX", the harness first makes the header agree with the body (body
 * size and CRC), so the mutations reach the structure parser, the model
 * config check, the tensor shapes and the copywriter's lists. The CRC and
 * size checks themselves are covered by tests/test-engine-checkpoint.c.
 *
 * The repaired bytes are read as a container (every list and tensor
 * walked), then written to a file and loaded as a model and as a
 * copywriter; a copywriter that loads writes one greedy description for a
 * small row. Engine only. */
#include "ce-checkpoint.h"
#include "engine.h"
#include "fuzz-util.h"

#define HEADER 24

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ce_blas_set_threads (1);
  return 0;
}

static void
put_u32 (uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t) (v >> (8 * i));
}

static void
check_status (CeStatus st, const char *msg, const char *what)
{
  if (st == CE_OK || st >= CE_STATUS_COUNT || msg[0] == '\0')
    {
      fprintf (stderr, "%s failed with status %d and message \"%s\"\n", what, (int) st, msg);
      abort ();
    }
}

static void
walk_checkpoint (const CeCheckpoint *ck)
{
  size_t config_size = 0;
  (void) ce_checkpoint_kind_tag (ck);
  const uint8_t *config = ce_checkpoint_config (ck, &config_size);
  volatile uint8_t sink = 0;
  for (size_t i = 0; i < config_size; i++)
    sink ^= config[i];
  for (int i = 0; i < ce_checkpoint_n_lists (ck); i++)
    {
      const CeStringList *l = ce_checkpoint_list (ck, i);
      if (ce_checkpoint_find_list (ck, l->name) == NULL)
        abort ();
      for (int k = 0; k < l->n; k++)
        sink ^= (uint8_t) strlen (l->items[k]);
    }
  for (int i = 0; i < ce_checkpoint_n_tensors (ck); i++)
    {
      const char *name;
      int ndim;
      int64_t shape[4];
      const float *d = ce_checkpoint_tensor_at (ck, i, &name, &ndim, shape);
      char msg[CE_MSG_SIZE];
      if (d == NULL || ndim < 1 || ndim > 4)
        abort ();
      int64_t n_elem = 1;
      for (int k = 0; k < ndim; k++)
        n_elem *= shape[k];
      uint8_t first[4], last[4];   /* bytes: a float out of uint8_t's range is UB */
      memcpy (first, &d[0], 4);
      memcpy (last, &d[n_elem - 1], 4);
      sink ^= first[0] ^ last[3];
      if (ce_checkpoint_tensor (ck, name, ndim, shape, msg) != d)
        abort ();
    }
  (void) sink;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t *buf = malloc (size > 0 ? size : 1);
  char msg[CE_MSG_SIZE];
  char path[512];
  CeStatus st;

  if (buf == NULL)
    abort ();
  if (size > 0)
    memcpy (buf, data, size);
  if (size >= HEADER && memcmp (buf + 8, "NOFX", 4) != 0)
    {
      uint64_t body = size - HEADER;
      for (int i = 0; i < 8; i++)
        buf[16 + i] = (uint8_t) (body >> (8 * i));
      put_u32 (buf + 12, ce_crc32 (buf + HEADER, size - HEADER));
    }

  msg[0] = '\0';
  CeCheckpoint *ck = ce_checkpoint_read_buffer (buf, size, &st, msg);
  if (ck != NULL)
    {
      walk_checkpoint (ck);
      ce_checkpoint_free (ck);
    }
  else
    check_status (st, msg, "ce_checkpoint_read_buffer");

  fuzz_write_file ("model.cpmodel", buf, size, path, sizeof path);
  CeStringList *lists = NULL;
  int n_lists = 0;
  msg[0] = '\0';
  CeModel *model = ce_model_load (path, &lists, &n_lists, &st, msg);
  if (model != NULL)
    {
      (void) ce_model_n_params (model);
      ce_string_lists_free (lists, n_lists);
      ce_model_free (model);
    }
  else
    check_status (st, msg, "ce_model_load");

  msg[0] = '\0';
  CeCopywriter *cw = ce_copywriter_load (path, &st, msg);
  if (cw != NULL)
    {
      CeAttrs row;
      CeCopyOptions opts;
      CeCopyOutput out;
      ce_attrs_init (&row);
      for (int i = 0; i < ce_copywriter_n_delex_keys (cw) && i < 4; i++)
        ce_attrs_add (&row, ce_copywriter_delex_key (cw, i), "Blue Moon", msg);
      ce_attrs_add (&row, "name", "Alpha", msg);
      const CeAttrs *rows[1] = { &row };
      ce_copy_options_default (&opts, CE_DECODE_GREEDY);
      opts.variants = 1;
      memset (&out, 0, sizeof out);
      if (ce_copywriter_generate (cw, rows, 1, &opts, NULL, &out, msg) == CE_OK)
        ce_copy_outputs_free (&out, 1);
      (void) ce_copywriter_language (cw);
      ce_attrs_clear (&row);
      ce_copywriter_free (cw);
    }
  else
    check_status (st, msg, "ce_copywriter_load");
  unlink (path);
  free (buf);
  return 0;
}
