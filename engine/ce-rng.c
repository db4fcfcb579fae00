/* ce-rng.c — xoshiro256** (Blackman & Vigna), seeded with splitmix64 */
#include "engine.h"

#include <math.h>

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
ce_rng_seed (CeRng *rng, uint64_t seed)
{
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

uint64_t
ce_rng_next (CeRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

float
ce_rng_uniform (CeRng *rng)
{
  /* 24 high bits: exactly representable, strictly below 1. */
  return (float) (ce_rng_next (rng) >> 40) * (1.0f / 16777216.0f);
}

float
ce_rng_normal (CeRng *rng)
{
  double u1 = ((double) (ce_rng_next (rng) >> 11) + 1.0) * (1.0 / 9007199254740993.0);
  double u2 = (double) (ce_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
  return (float) (sqrt (-2.0 * log (u1)) * cos (6.283185307179586 * u2));
}

uint32_t
ce_rng_below (CeRng *rng, uint32_t n)
{
  /* Lemire's nearly divisionless method. */
  uint64_t m = (uint64_t) (uint32_t) (ce_rng_next (rng) >> 32) * n;
  uint32_t l = (uint32_t) m;
  if (l < n)
    {
      uint32_t t = (uint32_t) (-n) % n;
      while (l < t)
        {
          m = (uint64_t) (uint32_t) (ce_rng_next (rng) >> 32) * n;
          l = (uint32_t) m;
        }
    }
  return (uint32_t) (m >> 32);
}
