/* ce-checkpoint-private.h — byte-order helpers shared by the checkpoint
 * reader (ce-checkpoint.c) and writer (ce-checkpoint-write.c). */
#pragma once

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ce-checkpoint.h"

#define CE_CKPT_MAGIC "CPYSTMDL"
#define CE_CKPT_MAGIC_SIZE 8
#define CE_CKPT_HEADER_SIZE 24
#define CE_CKPT_FORMAT_VERSION 1u

/* ---- little-endian helpers ----------------------------------------------- */

static inline void
put_u32 (uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t) (v >> (8 * i));
}

static inline void
put_u64 (uint8_t *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t) (v >> (8 * i));
}

static inline uint32_t
get_u32 (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static inline uint64_t
get_u64 (const uint8_t *p)
{
  return (uint64_t) get_u32 (p) | (uint64_t) get_u32 (p + 4) << 32;
}

static inline void
put_f32 (uint8_t *p, float f)
{
  uint32_t v;
  memcpy (&v, &f, 4);
  put_u32 (p, v);
}

static inline float
get_f32 (const uint8_t *p)
{
  uint32_t v = get_u32 (p);
  float f;
  memcpy (&f, &v, 4);
  return f;
}

static inline void set_msg (char *msg, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static inline void
set_msg (char *msg, const char *fmt, ...)
{
  if (!msg)
    return;
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, CE_MSG_SIZE, fmt, ap);
  va_end (ap);
}

static inline void
errno_text (int err, char *buf, size_t size)
{
  if (strerror_r (err, buf, size) != 0)
    snprintf (buf, size, "error %d", err);
}
