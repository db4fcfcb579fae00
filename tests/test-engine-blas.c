/* test-engine-blas.c — the OpenBLAS wrapper against the naive reference */
#include <glib.h>
#include <math.h>

#include "engine.h"

static void
fill (CeRng *rng, float *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] = ce_rng_uniform (rng) * 2.0f - 1.0f;
}

static void
check_shape (int ta, int tb, int M, int N, int K, float alpha, float beta)
{
  CeRng rng;
  int lda = ta ? M : K, ldb = tb ? K : N;
  size_t na = (size_t) M * K, nb = (size_t) K * N, nc = (size_t) M * N;
  float *A = g_new (float, na), *B = g_new (float, nb);
  float *C1 = g_new (float, nc), *C2 = g_new (float, nc);

  ce_rng_seed (&rng, 42 + M * 7 + N * 3 + K);
  fill (&rng, A, na);
  fill (&rng, B, nb);
  fill (&rng, C1, nc);
  memcpy (C2, C1, nc * sizeof (float));

  ce_sgemm (ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C1, N);
  ce_sgemm_ref (ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C2, N);
  for (size_t i = 0; i < nc; i++)
    g_assert_cmpfloat_with_epsilon (C1[i], C2[i], 1e-4f * (1.0f + fabsf (C2[i])) * sqrtf ((float) K));

  g_free (A); g_free (B); g_free (C1); g_free (C2);
}

static void
test_sgemm_matches_reference (void)
{
  static const int shapes[][3] = { { 1, 1, 1 }, { 3, 5, 7 }, { 64, 96, 32 }, { 17, 1, 130 }, { 1, 200, 64 } };

  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        {
          check_shape (ta, tb, shapes[s][0], shapes[s][1], shapes[s][2], 1.0f, 0.0f);
          check_shape (ta, tb, shapes[s][0], shapes[s][1], shapes[s][2], 0.5f, 1.0f);
        }
}

static void
test_rng_deterministic (void)
{
  CeRng a, b;
  double sum = 0.0, sq = 0.0;
  const int n = 20000;

  ce_rng_seed (&a, 7);
  ce_rng_seed (&b, 7);
  for (int i = 0; i < 1000; i++)
    g_assert_cmpuint (ce_rng_next (&a), ==, ce_rng_next (&b));
  ce_rng_seed (&b, 8);
  g_assert_cmpuint (ce_rng_next (&a), !=, ce_rng_next (&b));

  for (int i = 0; i < n; i++)
    {
      float x = ce_rng_normal (&a);
      sum += x;
      sq += (double) x * x;
    }
  g_assert_cmpfloat (fabs (sum / n), <, 0.05);
  g_assert_cmpfloat (fabs (sq / n - 1.0), <, 0.05);

  for (int i = 0; i < n; i++)
    {
      float u = ce_rng_uniform (&a);
      g_assert_cmpfloat (u, >=, 0.0f);
      g_assert_cmpfloat (u, <, 1.0f);
      g_assert_cmpuint (ce_rng_below (&a, 10), <, 10);
    }
}

static void
test_status_strings (void)
{
  for (int s = 0; s < CE_STATUS_COUNT; s++)
    g_assert_cmpstr (ce_status_to_string ((CeStatus) s), !=, "unknown status");
  g_assert_cmpstr (ce_status_to_string (CE_STATUS_COUNT), ==, "unknown status");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ce_blas_set_threads (1);
  g_test_add_func ("/engine/blas/sgemm-matches-reference", test_sgemm_matches_reference);
  g_test_add_func ("/engine/rng/deterministic", test_rng_deterministic);
  g_test_add_func ("/engine/status/strings", test_status_strings);
  return g_test_run ();
}
