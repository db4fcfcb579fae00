/* ce-layers.h — private: the engine's layers as forward/backward pairs.
 *
 * Conventions (all layers):
 * - float32, row-major. A "batch" is N rows. Sequences are time-major:
 *   (T, B, D) means T steps of B rows of D values, contiguous per step.
 * - Weight matrices are (out, in), as PyTorch stores them: y = x W^T + b.
 * - Forward functions WRITE their outputs.
 * - Backward functions ACCUMULATE (+=) into every gradient they receive —
 *   parameter gradients and input gradients alike — so a tensor used twice
 *   simply gets both contributions. A NULL gradient pointer is skipped.
 * - "scratch" arguments are caller-owned work buffers of the stated size;
 *   layers never allocate, so a training step allocates nothing.
 * - Every backward has a central finite-difference test in
 *   tests/test-engine-layers.c; every optimised kernel has a naive
 *   reference it is tested against.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* ---- GEMM used by every layer (added by a1) -----------------------------
 * Same contract as ce_sgemm, but a single-row product (M == 1, op(A) = A)
 * goes to cblas_sgemv, which is measurably faster for batch-1 decoding, and
 * a few rows times a transposed B to ce_gemm_small_rows. */
void ce_gemm (int trans_a, int trans_b, int M, int N, int K,
              float alpha, const float *A, int lda,
              const float *B, int ldb,
              float beta, float *C, int ldc);
/* C(M,N) = alpha A(M,K) B(N,K)^T + beta C for a few rows of A (the decoder's
 * beam or sample rows: x W^T): OpenBLAS's sgemm packs all of B before it
 * starts, which for a few rows costs more than the product; this reads each
 * row of B once per 4 rows of A. ce_gemm uses it for 2 <= M <=
 * CE_GEMM_SMALL_ROWS with op(A) = A and op(B) = B^T. Any M works. */
#define CE_GEMM_SMALL_ROWS 8
void ce_gemm_small_rows (int M, int N, int K, float alpha, const float *A, int lda,
                         const float *B, int ldb, float beta, float *C, int ldc);

/* Elementwise tanh and logistic sigmoid over N floats, four lanes at a time
 * (ce-vmath.c); Y may alias X. Absolute error < 1.2e-7; NaN stays NaN. */
void ce_vtanh    (float *y, const float *x, size_t n);
void ce_vsigmoid (float *y, const float *x, size_t n);
/* y = exp(x − shift) over N floats, returning Σ y (in double); meant for
 * softmax with shift = max(x) (x − shift must stay <= 88). Values below
 * shift − 87 give 0. Relative error < 2e-7. */
double ce_vexp_sum (float *y, const float *x, size_t n, float shift);
/* max over N >= 1 floats (-INFINITY for N == 0). */
float  ce_vmax     (const float *x, size_t n);

/* ---- linear: y(N,O) = x(N,I) W(O,I)^T + b(O) ------------------------- */
void ce_linear_forward  (float *y, const float *x, const float *W, const float *b,
                         int N, int I, int O);
/* dx (N,I) += dy W ; dW (O,I) += dy^T x ; db (O) += sum_n dy */
void ce_linear_backward (float *dx, float *dW, float *db,
                         const float *dy, const float *x, const float *W,
                         int N, int I, int O);

/* ---- embedding: out(N,E) = table[ids[n]]; an id < 0 gives a zero row -- */
void ce_embedding_forward  (float *out, const int32_t *ids, const float *table, int N, int E);
void ce_embedding_backward (float *dtable, const float *dout, const int32_t *ids, int N, int E);

/* ---- activations (elementwise; y may alias x in forward) -------------- */
typedef enum {
  CE_ACT_IDENTITY,
  CE_ACT_RELU,
  CE_ACT_LEAKY_RELU,  /* slope 0.2 below zero */
  CE_ACT_TANH,
  CE_ACT_SIGMOID,
} CeActivation;

void ce_act_forward  (CeActivation act, float *y, const float *x, size_t n);
/* dx += dy * f'(x), computed from the OUTPUT y (valid for all of the above). */
void ce_act_backward (CeActivation act, float *dx, const float *dy, const float *y, size_t n);

/* ---- MLP block: y = act(x W^T + b) ------------------------------------ */
void ce_dense_forward  (float *y, const float *x, const float *W, const float *b,
                        CeActivation act, int N, int I, int O);
/* dy_scratch (N,O) is overwritten (dy times the activation's derivative). */
void ce_dense_backward (float *dx, float *dW, float *db,
                        const float *dy, const float *x, const float *y, const float *W,
                        CeActivation act, int N, int I, int O, float *dy_scratch);

/* ---- GRU, PyTorch gate order (r, z, n) ---------------------------------
 *   r  = σ(gx_r + h Wh_r^T + bh_r)
 *   z  = σ(gx_z + h Wh_z^T + bh_z)
 *   n  = tanh(gx_n + r ⊙ (h Wh_n^T + bh_n))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * where gx (B, 3H) = x Wx^T + bx is computed by the CALLER, so that the input
 * projection of all T steps is one GEMM when inputs are known in advance
 * (gates fused: Wx is (3H, I), Wh is (3H, H), bx and bh are (3H)).
 * cache (B, 4H) receives r, z, n and hn = h Wh_n^T + bh_n for the backward.
 * scratch (B, 3H). h_prev NULL means a zero state (then dWh gets nothing
 * from this step); bh NULL means no recurrent bias. h_out may alias h_prev.
 */
void ce_gru_step_forward  (float *h_out, float *cache,
                           const float *gx, const float *h_prev,
                           const float *Wh, const float *bh,
                           int B, int H, float *scratch);
/* The gates of that step from GH (B, 3H) = h_prev Wh^T + bh computed by the
 * caller (the int8 decoder computes it its own way); ce_gru_step_forward
 * is the GEMM and then this. */
void ce_gru_step_gates    (float *h_out, float *cache, const float *gx, const float *gh,
                           const float *h_prev, int B, int H);
/* dgx (B,3H) is WRITTEN (the caller turns it into dx, dWx, dbx, usually with
 * one GEMM over all steps); dh_prev, dWh, dbh accumulate. scratch (B, 3H)
 * is left holding dgh, the gradient on h_prev Wh^T + bh. With Wh NULL the
 * product dgh Wh is left out of dh_prev (the caller adds it its own way). */
void ce_gru_step_backward (float *dgx, float *dh_prev, float *dWh, float *dbh,
                           const float *dh_out, const float *cache,
                           const float *h_prev, const float *Wh,
                           int B, int H, float *scratch);

/* Whole sequence over xs (T, B, I) from h0 (B, H) (NULL = zeros). hs (T, B, H)
 * receives every state; gx_all (T, B, 3H) and cache (T, B, 4H) are kept for
 * the backward. lengths (B) or NULL: for t >= lengths[b], row b's state is
 * carried unchanged (padding does not move the state). */
void ce_gru_forward  (float *hs, float *gx_all, float *cache,
                      const float *xs, const float *h0,
                      const float *Wx, const float *bx, const float *Wh, const float *bh,
                      const int32_t *lengths, int T, int B, int I, int H, float *scratch);
/* dhs (T, B, H) is the gradient reaching each state from outside the
 * recurrence; it is CONSUMED (modified in place). dxs, dh0, dWx, dbx, dWh,
 * dbh accumulate. scratch (B, 3H + H) plus dgx_all (T, B, 3H). */
void ce_gru_backward (float *dxs, float *dh0, float *dWx, float *dbx, float *dWh, float *dbh,
                      float *dhs, float *dgx_all,
                      const float *hs, const float *cache,
                      const float *xs, const float *h0,
                      const float *Wx, const float *Wh,
                      const int32_t *lengths, int T, int B, int I, int H, float *scratch);

/* ---- additive (Bahdanau) attention with a padding mask -----------------
 * keys (B, S, A) = enc Wk^T + bk is precomputed once per batch by the caller.
 * For a query q (B, H):  e(b,s) = v · tanh(keys(b,s) + q Wq(A,H)^T)
 *                        a = softmax over s with mask(b,s) == 0 excluded
 *                        ctx (B, D) = Σ_s a(b,s) enc(b,s)
 * enc is (B, S, D). cache_pre (B, S, A) keeps tanh(...) for the backward;
 * attn (B, S) receives the weights. scratch (B, A).
 * mask NULL means every position is valid; a row with every position
 * masked gets zero weights and a zero context (and no gradient), never NaN.
 */
void ce_attention_forward  (float *ctx, float *attn, float *cache_pre,
                            const float *q, const float *keys, const float *enc,
                            const uint8_t *mask, const float *Wq, const float *v,
                            int B, int S, int H, int A, int D, float *scratch);
/* dq, dkeys, denc, dWq, dv accumulate. scratch (B, S + A).
 * With Wq NULL (both): the forward takes q Wq^T from SCRATCH (B, A), filled
 * by the caller, and the backward leaves the gradient on q Wq^T in
 * SCRATCH + B * S (B, A) instead of adding dq and dWq (the bfloat16
 * training path multiplies on its own). */
void ce_attention_backward (float *dq, float *dkeys, float *denc, float *dWq, float *dv,
                            const float *dctx, const float *dattn_extra,
                            const float *attn, const float *cache_pre,
                            const float *q, const float *enc,
                            const uint8_t *mask, const float *Wq, const float *v,
                            int B, int S, int H, int A, int D, float *scratch);
/* dattn_extra (B, S) or NULL: an extra gradient on the attention weights
 * (the copy distribution reuses them). */

/* ---- softmax / log-softmax over rows ---------------------------------- */
void ce_softmax_rows     (float *y, const float *x, int N, int C);
void ce_log_softmax_rows (float *y, const float *x, int N, int C);

/* ---- copy / pointer gate ------------------------------------------------
 * p_final(b, w) = g(b) p_vocab(b, w) + (1 − g(b)) Σ_{s: src_ids(b,s)=w} attn(b, s)
 * with g = σ(gate_logit). Losses use log p_final of the target token.
 * ce_copy_xent_forward computes, for each row b with target tgt[b] >= 0,
 *   loss_b = −log(p_final(b, tgt[b]) + 1e-9)
 * and returns Σ_b loss_b · weight (weight = 1 / number of counted tokens is
 * the caller's choice). p_vocab (B, V) is a softmax output.
 * The backward gives gradients on the vocabulary LOGITS (through the
 * softmax; stored, not added, 0 on padded rows), and adds those on the
 * attention weights and on the gate logit.
 */
double ce_copy_xent_forward  (const float *p_vocab, const float *attn, const float *gate_logit,
                              const int32_t *src_ids, const int32_t *tgt,
                              int B, int S, int V, float weight,
                              float *p_target /* OUT (B): p_final of the target */);
void   ce_copy_xent_backward (float *dlogits, float *dattn, float *dgate_logit,
                              const float *p_vocab, const float *attn, const float *gate_logit,
                              const int32_t *src_ids, const int32_t *tgt, const float *p_target,
                              int B, int S, int V, float weight);

/* ---- softmax cross-entropy over logits, padding mask, label smoothing ---
 * Rows with tgt < 0 are padding and count for nothing. Returns the summed
 * loss times weight; dlogits (N, C) = weight · (softmax − smoothed one-hot),
 * stored, not added (0 on padded rows): the logits' gradient has no other
 * source, and a buffer the caller zeroed first cost a pass over N·C floats.
 * probs_scratch (N, C) is used only when dlogits is NULL. */
double ce_softmax_xent_forward_backward (float *dlogits, const float *logits, const int32_t *tgt,
                                         int N, int C, float label_smoothing, float weight,
                                         float *probs_scratch);

/* ---- Gaussian latent: reparameterisation and KL ----------------------- */
/* z = mu + exp(0.5 logvar) ⊙ eps, eps drawn by the caller (N, Z). */
void   ce_reparam_forward  (float *z, const float *mu, const float *logvar, const float *eps, size_t n);
void   ce_reparam_backward (float *dmu, float *dlogvar, const float *dz, const float *logvar,
                            const float *eps, size_t n);
/* KL( N(mu_q, var_q) || N(mu_p, var_p) ) summed over Z per row, times weight,
 * summed over rows; mu_p/logvar_p NULL means the standard normal prior.
 * free_bits > 0: per dimension, the batch-mean KL below free_bits gets no
 * gradient (Kingma et al. 2016). Returns the (unclamped) weighted KL. */
double ce_kl_forward_backward (float *dmu_q, float *dlogvar_q, float *dmu_p, float *dlogvar_p,
                               const float *mu_q, const float *logvar_q,
                               const float *mu_p, const float *logvar_p,
                               int N, int Z, float weight, float free_bits);

/* ---- dropout ------------------------------------------------------------
 * Inverted dropout: mask (n) receives 0 or 1/(1−p); y = x ⊙ mask. */
void ce_dropout_forward  (float *y, float *mask, const float *x, size_t n, float p, CeRng *rng);
void ce_dropout_backward (float *dx, const float *dy, const float *mask, size_t n);
/* Word dropout (Bowman et al. 2016): each id that is not special (id >=
 * first_regular) is replaced by unk_id with probability p. ids < 0 untouched. */
void ce_word_dropout (int32_t *ids, size_t n, float p, int32_t unk_id, int32_t first_regular, CeRng *rng);
