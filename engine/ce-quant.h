/* ce-quant.h — private: int8 copies of the weights batch-1 decoding reads
 * every step, and the integer kernels that multiply by them (ce-quant.c).
 *
 * Why: a decoding step of the reference model reads ~10 MB of fp32 weights
 * (the output projection alone is V x 2H = 4000 x 512 floats = 8 MB); at
 * batch 1 each weight is used once per step, so the step is bound by how
 * fast one core streams them from L3, not by arithmetic. One byte a weight
 * reads a quarter of that.
 *
 * Scheme: weights symmetric int8 per output row, w ≈ scale_n q (q in
 * [-127, 127]); activations symmetric int8 per input row, requantised each
 * call, stored as unsigned bytes with zero point 128 (u = q + 128), so that
 * one AVX-512 VNNI instruction (vpdpbusd: u8 x s8 -> s32) does 64
 * multiply-adds. The offset comes out exactly:
 *   Σ_k w_k q_k = Σ_k w_k u_k − 128 Σ_k w_k,
 * with Σ_k w_k kept per row. Every kernel (VNNI, AVX2, scalar) computes the
 * same integer sums exactly (|Σ| <= K·255·127 fits int32 for K <= 65536), so
 * their results are equal bit for bit and the float epilogue is shared.
 * The fp32 path stays the reference; the int8 one is opt-in per model
 * (ce_model_set_decode_precision). */
#pragma once

#include <stdint.h>

#include "engine.h"

/* columns are padded with zero weights to a multiple of this */
#define CE_Q8_ALIGN 64
/* the largest K whose integer sums cannot overflow int32 */
#define CE_Q8_MAX_K 65536

typedef struct {
  int N, K, Kp;       /* rows, columns, columns padded to CE_Q8_ALIGN */
  int8_t *w;          /* (N, Kp) round(W / scale), zero padding; 64-byte aligned */
  float *scale;       /* (N) max |W row| / 127 (0 for an all-zero row) */
  int32_t *wsum;      /* (N) Σ_k w (the zero-point correction) */
  void *mem;
} CeQ8Matrix;

typedef enum {
  CE_Q8_SCALAR = 0,
  CE_Q8_AVX2 = 1,        /* vpmaddwd on bytes widened to 16 bits */
  CE_Q8_AVX512VNNI = 2,  /* vpdpbusd, 64 bytes a step */
  CE_Q8_N_KERNELS
} CeQ8Kernel;

/* Builds M from the (N, K) row-major matrix W. CE_ERR_NOMEM, or
 * CE_ERR_NUMERIC when W holds a non-finite value (MSG names the row). */
CeStatus ce_q8_matrix_init  (CeQ8Matrix *m, const float *W, int N, int K, const char *name,
                             char *msg);
void     ce_q8_matrix_clear (CeQ8Matrix *m);

/* Quantises R rows of K floats (row stride LDX) into XQ (R, KP) unsigned
 * bytes with zero point 128 (padding 128) and XSCALE (R). A row holding a
 * non-finite value gets a NaN scale, so its products come out NaN, as they
 * would in fp32. */
void ce_q8_quantize_rows (uint8_t *xq, float *xscale, const float *x, int R, int K, int ldx,
                          int Kp);

/* The kernels this CPU can run, and the fastest of them. */
int        ce_q8_kernel_available (CeQ8Kernel kernel);
CeQ8Kernel ce_q8_kernel_best      (void);
const char *ce_q8_kernel_name     (CeQ8Kernel kernel);

/* Integer dot products of weight rows N0..N1 of M with the R quantised rows
 * XQ (R, M->Kp): DOTS[r * LDD + (n - N0)] = Σ_k M->w[n, k] XQ[r, k] (zero
 * point included), through KERNEL (must be available). */
void ce_q8_dots (CeQ8Kernel kernel, const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq,
                 int R, int32_t *dots, int ldd);
/* The naive reference of ce_q8_dots (plain loops, no kernel). */
void ce_q8_dots_ref (const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq, int R,
                     int32_t *dots, int ldd);

/* Columns N0..N1 of Y(R, N) (row stride LDY) = (ACCUMULATE ? Y : 0) + x W^T,
 * x being R rows quantised by ce_q8_quantize_rows (XQ, XSCALE), through the
 * fastest kernel. Weight rows go in blocks of CE_Q8_BLOCK, each block used
 * for every row of x while it is in L1; REVERSE walks the blocks from the
 * last (same results). A decoder alternates the direction every step, so
 * that each step starts on the rows the previous one read last, which are
 * still in L2: a matrix a little bigger than L2 read in the same order
 * every time would miss all of it. */
#define CE_Q8_BLOCK 64
void ce_q8_gemm_rows (const CeQ8Matrix *m, int n0, int n1, const uint8_t *xq,
                      const float *xscale, int R, float *y, int ldy, int accumulate,
                      int reverse);
