/* engine.h — the one public header of Copyist's neural engine.
 *
 * Plain C11 + OpenBLAS + libm + pthreads; no GLib. Every public name starts
 * with "ce_" (types "Ce"). Errors are values (CeStatus plus a message
 * buffer); nothing here calls exit() or abort() on bad input. There is no
 * global state: BLAS threads are set by the caller (ce_blas_set_threads).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status ------------------------------------------------------------ */

typedef enum {
  CE_OK = 0,
  CE_ERR_INVALID_ARG,   /* a caller passed an impossible value */
  CE_ERR_NOMEM,         /* an allocation failed */
  CE_ERR_IO,            /* reading or writing a file failed */
  CE_ERR_FORMAT,        /* a file is not what it claims (magic, CRC, shapes) */
  CE_ERR_VERSION,       /* a file from a newer format version */
  CE_ERR_TRUNCATED,     /* a file ends early */
  CE_ERR_CANCELLED,     /* the cancel callback asked to stop */
  CE_ERR_NUMERIC,       /* NaN or Inf appeared */
  CE_ERR_LIMIT,         /* an input exceeds a configured limit */
  CE_STATUS_COUNT
} CeStatus;

/* A short, stable English name for STATUS ("invalid argument" ...). */
const char *ce_status_to_string (CeStatus status);

/* Size of message buffers passed as "char *msg" (OUT) below. */
#define CE_MSG_SIZE 256

/* ---- BLAS -------------------------------------------------------------- */

/* Threads OpenBLAS may use for the calling process; the app sets this per job
 * so that pool threads x BLAS threads never exceed the cores. */
void ce_blas_set_threads (int n_threads);
int  ce_blas_get_threads (void);

/* C(M,N) = alpha * op(A) op(B) + beta * C, row-major. op(X) is X or X^T as
 * TRANS_A/TRANS_B say. lda/ldb/ldc are the row strides as stored. */
void ce_sgemm (int trans_a, int trans_b, int M, int N, int K,
               float alpha, const float *A, int lda,
               const float *B, int ldb,
               float beta, float *C, int ldc);

/* The naive triple loop with the same contract, kept as a reference that
 * the optimised path is tested against. */
void ce_sgemm_ref (int trans_a, int trans_b, int M, int N, int K,
                   float alpha, const float *A, int lda,
                   const float *B, int ldb,
                   float beta, float *C, int ldc);

/* ---- random numbers ---------------------------------------------------- */

/* xoshiro256** seeded through splitmix64: same seed, same stream, on every
 * platform. One per model or thread; never shared without a lock. */
typedef struct {
  uint64_t s[4];
} CeRng;

void     ce_rng_seed    (CeRng *rng, uint64_t seed);
uint64_t ce_rng_next    (CeRng *rng);
/* Uniform in [0, 1). */
float    ce_rng_uniform (CeRng *rng);
/* Standard normal (Box-Muller). */
float    ce_rng_normal  (CeRng *rng);
/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint32_t ce_rng_below   (CeRng *rng, uint32_t n);

#ifdef __cplusplus
}
#endif
