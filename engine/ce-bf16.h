/* ce-bf16.h — private: bfloat16 matrix products on Intel AMX for the
 * training's vocabulary projection (ce-bf16.c).
 *
 * Why: the projection [h; ctx] (T*B, 2H) -> (T*B, V) and its two backward
 * products are three quarters of a training step's FLOPs on the reference
 * workload (31.5 of 41.8 GFLOP). In fp32, OpenBLAS runs them at about 100
 * GFLOP/s a core on this machine; AMX's tile unit multiplies bfloat16
 * matrices with fp32 sums at several times that.
 *
 * Numerics (mixed precision, opt-in per model: ce_model_set_train_precision):
 * the two factors of each product are rounded to bfloat16 (8 bits of
 * mantissa, round to nearest even; denormals flush to zero, as the
 * hardware's conversion does), the products and sums are fp32. Weights,
 * gradients, Adam moments and every other layer stay fp32, so only these
 * three products carry bfloat16 rounding (relative error <= 2^-8 per factor).
 *
 * Layouts. A product C (M, N) += A (M, K) B (K, N) takes
 *   - A packed row-major, (Mp, Kp) bfloat16, zero padded (ce_bf16_pack_a /
 *     ce_bf16_pack_a_t);
 *   - B packed into panels of 16 columns, each panel Kp/2 rows of 16 column
 *     pairs (B[k][n], B[k+1][n]): AMX's "VNNI" layout (ce_bf16_pack_b);
 * with Mp, Kp, Np the sizes rounded up to CE_BF16_PAD. C is plain fp32,
 * unpadded. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CE_BF16_PAD 32

static inline int
ce_bf16_padded (int n)
{
  return (n + CE_BF16_PAD - 1) / CE_BF16_PAD * CE_BF16_PAD;
}

/* 1 when this CPU and OS run AMX-BF16 (and AVX512-BF16) code: asks the
 * kernel once for the tile state (Linux arch_prctl). */
int ce_bf16_available (void);

/* The conversion every packer applies: round to nearest even, denormals to
 * zero of the same sign, NaN stays NaN (quiet). */
uint16_t ce_bf16_from_float (float f);
float    ce_bf16_to_float   (uint16_t h);

/* A (Mp, Kp) = the (M, K) matrix SRC (row stride LD), zero padded. */
void ce_bf16_pack_a   (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp);
/* A (Mp, Kp) = SRC^T, SRC being (K, M) with row stride LD. */
void ce_bf16_pack_a_t (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp);
/* B (Kp, Np) in panels. TRANS = 0: B = SRC (K, N) with row stride LD;
 * TRANS = 1: B = SRC^T, SRC being (N, K) with row stride LD. */
void ce_bf16_pack_b   (uint16_t *dst, const float *src, int K, int N, int ld, int trans,
                       int Kp, int Np);

/* Both of the above from one read of SRC (R, C) with row stride LD:
 * A (Rp, Cp) = SRC and B (Rp, Cp) = SRC in panels (K = R, N = C). */
void ce_bf16_pack_ab  (uint16_t *dst_a, uint16_t *dst_b, const float *src, int R, int C, int ld,
                       int Rp, int Cp);
/* The same for rows R0 .. R1 - 1 of the padded Rp only (rows from R on are
 * zero), so that a matrix can be packed while it is written; R0 even, and
 * R1 even or Rp. */
void ce_bf16_pack_ab_rows (uint16_t *dst_a, uint16_t *dst_b, const float *src, int r0, int r1,
                           int R, int C, int ld, int Rp, int Cp);

/* The same packings in plain C (the reference the vector code is tested
 * against; also what runs where AVX512-BF16 is missing). */
void ce_bf16_pack_a_ref   (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp);
void ce_bf16_pack_a_t_ref (uint16_t *dst, const float *src, int M, int K, int ld, int Mp, int Kp);
void ce_bf16_pack_b_ref   (uint16_t *dst, const float *src, int K, int N, int ld, int trans,
                           int Kp, int Np);
void ce_bf16_pack_ab_ref  (uint16_t *dst_a, uint16_t *dst_b, const float *src, int R, int C,
                           int ld, int Rp, int Cp);
void ce_bf16_pack_ab_rows_ref (uint16_t *dst_a, uint16_t *dst_b, const float *src, int r0,
                               int r1, int R, int C, int ld, int Rp, int Cp);

/* C = (ACC ? C : 0) + A B + BIAS over the packed A (Mp, Kp) and B (Kp, Np),
 * for the M x N corner (C's row stride LDC); BIAS (N) is added to every row
 * (NULL: none). With TRANS_C the product lands transposed: C is (N, M) and
 * gets (A B)^T (BIAS must be NULL). Requires ce_bf16_available (). Each
 * element's sum runs over k in blocks of 32, fp32. Without ACC, C is only
 * written: much faster than accumulating onto C when C is not in cache. */
void ce_bf16_gemm     (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C,
                       int ldc, int acc, int trans_c, const float *bias);
/* The naive reference: the same bfloat16 factors, sums in double. */
void ce_bf16_gemm_ref (int M, int N, int Kp, const uint16_t *A, const uint16_t *B, float *C,
                       int ldc, int acc, int trans_c, const float *bias);
