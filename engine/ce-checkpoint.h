/* ce-checkpoint.h — private: the checkpoint container (format in engine.h).
 *
 * A checkpoint holds a model kind tag, an opaque config blob, named string
 * lists (vocabulary, field names, metadata) and named float32 tensors.
 * The reader validates everything (magic, version, sizes, shapes, CRC32)
 * before handing anything out, and never reads out of bounds.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define CE_CKPT_MAX_DIMS 4
#define CE_CKPT_NAME_MAX 63

typedef struct {
  const char *name;                 /* <= CE_CKPT_NAME_MAX bytes */
  int ndim;                         /* 1..CE_CKPT_MAX_DIMS */
  int64_t shape[CE_CKPT_MAX_DIMS];
  const float *data;                /* product(shape) floats */
} CeCkptTensor;

/* Writes atomically: PATH.tmp-XXXXXX, fsync, rename over PATH. */
CeStatus ce_checkpoint_write (const char *path, uint32_t kind_tag,
                              const void *config, size_t config_size,
                              const CeStringList *lists, int n_lists,
                              const CeCkptTensor *tensors, int n_tensors,
                              char *msg);

/* Same bytes into a malloc'd buffer (for tests and for storing in a project). */
CeStatus ce_checkpoint_write_buffer (uint8_t **out, size_t *out_size, uint32_t kind_tag,
                                     const void *config, size_t config_size,
                                     const CeStringList *lists, int n_lists,
                                     const CeCkptTensor *tensors, int n_tensors,
                                     char *msg);

typedef struct CeCheckpoint CeCheckpoint;

CeCheckpoint *ce_checkpoint_read        (const char *path, CeStatus *status, char *msg);
CeCheckpoint *ce_checkpoint_read_buffer (const uint8_t *data, size_t size, CeStatus *status, char *msg);
void          ce_checkpoint_free        (CeCheckpoint *ckpt);

uint32_t      ce_checkpoint_kind_tag    (const CeCheckpoint *ckpt);
const void   *ce_checkpoint_config      (const CeCheckpoint *ckpt, size_t *size /* OUT */);
int           ce_checkpoint_n_lists     (const CeCheckpoint *ckpt);
const CeStringList *ce_checkpoint_list  (const CeCheckpoint *ckpt, int i);
/* Finds a tensor by name and checks its shape; NULL (with MSG) when absent
 * or of another shape. */
const float  *ce_checkpoint_tensor      (const CeCheckpoint *ckpt, const char *name,
                                         int ndim, const int64_t *shape, char *msg);

/* ---- added by a1 -------------------------------------------------------- */

/* The list named NAME, or NULL. */
const CeStringList *ce_checkpoint_find_list (const CeCheckpoint *ckpt, const char *name);
int           ce_checkpoint_n_tensors   (const CeCheckpoint *ckpt);
/* Tensor I in file order: its data, and (OUT, each may be NULL) its name,
 * rank and shape (CE_CKPT_MAX_DIMS values, unused ones 0). NULL if I is out
 * of range. */
const float  *ce_checkpoint_tensor_at   (const CeCheckpoint *ckpt, int i,
                                         const char **name, int *ndim, int64_t *shape);
/* CRC-32 (IEEE 802.3, the zlib/PNG one) of SIZE bytes. */
uint32_t      ce_crc32                  (const void *data, size_t size);
/* The same, a byte at a time: the naive reference ce_crc32 is tested against. */
uint32_t      ce_crc32_ref              (const void *data, size_t size);
