/* test-engine-metrics.c — BLEU (agreement with ../shared/bench/e2e_bleu.py
 * and with NLTK when present), ROUGE-L, distinct-n, self-BLEU
 * (engine/ce-metrics.c). */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "engine.h"
#include "test-engine-text-data.h"

/* A Python 3 interpreter with MODULE importable ("" = any), or NULL. */
static const char *
find_python (const char *module)
{
  static const char *const candidates[] = { "/usr/bin/python3", "python3" };
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      char *code = g_strdup_printf ("import sys%s%s", *module ? ", " : "", module);
      const char *argv[] = { candidates[i], "-c", code, NULL };
      int status = -1;
      gboolean ran = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                   | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL);
      g_free (code);
      if (ran && g_spawn_check_wait_status (status, NULL))
        return candidates[i];
    }
  return NULL;
}

static char *
run_python (const char *python, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) python);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  char *out = NULL, *err = NULL;
  int status = -1;
  GError *error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", python, err);
  g_free (err);
  g_ptr_array_free (argv, TRUE);
  return out;
}

static char *
csv_quote (const char *s)
{
  GString *q = g_string_new ("\"");
  for (const char *p = s; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (q, '"');
      g_string_append_c (q, *p);
    }
  g_string_append_c (q, '"');
  return g_string_free (q, FALSE);
}

/* Scores OUTPUTS (one per MR, in order) against REFS (R per MR) with
 * e2e_bleu.py and with ce_bleu_corpus; asserts they agree to 4 decimals. */
static double
agree_with_script (const char *python, const char *script, int n, const char *const *mrs,
                   const char *const *outputs, const CeRefSet *refs)
{
  char *dir = g_dir_make_tmp ("copyist-bleu-XXXXXX", NULL);
  g_assert_nonnull (dir);
  char *refs_path = g_build_filename (dir, "refs.csv", NULL), *out_path = g_build_filename (dir, "out.txt", NULL);
  GString *csv = g_string_new ("mr,ref\n"), *txt = g_string_new (NULL);
  for (int i = 0; i < n; i++)
    {
      char *mr = csv_quote (mrs[i]);
      for (int r = 0; r < refs[i].n; r++)
        {
          char *ref = csv_quote (refs[i].refs[r]);
          g_string_append_printf (csv, "%s,%s\n", mr, ref);
          g_free (ref);
        }
      g_free (mr);
      g_string_append_printf (txt, "%s\n", outputs[i]);
    }
  g_assert_true (g_file_set_contents (refs_path, csv->str, -1, NULL));
  g_assert_true (g_file_set_contents (out_path, txt->str, -1, NULL));
  const char *args[] = { script, refs_path, out_path, NULL };
  char *printed = run_python (python, args);
  double py = g_ascii_strtod (printed, NULL);
  double c = -1;
  char msg[CE_MSG_SIZE];
  g_assert_cmpint (ce_bleu_corpus (n, outputs, refs, CE_METRIC_WORDS, &c, msg), ==, CE_OK);
  g_test_message ("e2e_bleu.py %s  ce_bleu_corpus %.6f", g_strstrip (printed), c);
  char *mine = g_strdup_printf ("%.4f", c);
  g_assert_cmpstr (mine, ==, printed);
  g_assert_cmpfloat (fabs (c - py), <=, 0.00005 + 1e-12);
  g_free (mine);
  g_free (printed);
  g_unlink (refs_path);
  g_unlink (out_path);
  g_rmdir (dir);
  g_free (refs_path);
  g_free (out_path);
  g_free (dir);
  g_string_free (csv, TRUE);
  g_string_free (txt, TRUE);
  return c;
}

static char *
bleu_script (void)
{
  const char *root = g_getenv ("COPYIST_SHARED_DATA");
  if (!root)
    {
      g_test_skip ("COPYIST_SHARED_DATA is not set: ../shared/bench/e2e_bleu.py is not available");
      return NULL;
    }
  char *script = g_build_filename (root, "..", "bench", "e2e_bleu.py", NULL);
  if (!g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("../shared/bench/e2e_bleu.py is absent");
      g_free (script);
      return NULL;
    }
  return script;
}

/* Hand-written outputs that exercise every rule of the mteval tokenizer. */
static void
test_bleu_script_tricky (void)
{
  char *script = bleu_script ();
  if (!script)
    return;
  const char *python = find_python ("");
  if (!python)
    {
      g_test_skip ("python3 is not installed");
      g_free (script);
      return;
    }
  const char *mrs[] = { "a[1]", "a[2]", "a[3]", "a[4]", "a[5]" };
  const char *r0[] = { "The Vaults costs £20-25, e.g. 3.5 stars (U.S.A.)!", "The Vaults: £20 - £25; rated 3.5/5." };
  const char *r1[] = { "Café ÉCOLE's \"best\" food... near the river-side, 1,000 people.", "CAFÉ école is near 5-star places." };
  const char *r2[] = { "It's 20-25 pounds & kid-friendly #1 {yes} [ok] ~x~ a|b.", "Prices: 20-25; kids ok?" };
  const char *r3[] = { "简约的牛仔外套，白色。", "A pub, a pub, a pub." };
  const char *r4[] = { "x", "The end of the line is near, the end of the pub." };
  const CeRefSet refs[] = { { 2, r0 }, { 2, r1 }, { 2, r2 }, { 2, r3 }, { 2, r4 } };
  const char *outputs[] = {
    "The Vaults costs £20-25, e.g. 3.5 stars (U.S.A.)",
    "café école's best food... near the river side, 1,000 people",
    "It's 20-25 pounds & kid-friendly #1 [ok] a|b.",
    "A pub, a pub near 简约的牛仔外套，白色。",
    "The end of the line is near the pub.",
  };
  double c = agree_with_script (python, script, 5, mrs, outputs, refs);
  g_assert_cmpfloat (c, >, 0.3);
  g_assert_cmpfloat (c, <, 1.0);
  g_free (script);
}

/* Real dev-set references: each MR's output is a reference of another MR
 * (a low score) or its own first reference less its first word (a high
 * one); the script scores a mix of both. */
static void
test_bleu_script_dev (void)
{
  char *script = bleu_script ();
  if (!script)
    return;
  char *dev = text_data_path ("e2e/devset.csv");
  const char *python = find_python ("");
  if (!dev || !python)
    {
      if (dev)
        g_test_skip ("python3 is not installed");
      g_free (script);
      g_free (dev);
      return;
    }
  GPtrArray *rows = text_data_read_csv (dev);
  GPtrArray *mrs = g_ptr_array_new ();
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint r = 1; r < rows->len; r++)
    {
      char **row = rows->pdata[r];
      gpointer idx;
      if (!g_hash_table_lookup_extended (index, row[0], NULL, &idx))
        {
          idx = GUINT_TO_POINTER (mrs->len);
          g_hash_table_insert (index, row[0], idx);
          g_ptr_array_add (mrs, row[0]);
          g_ptr_array_add (groups, g_ptr_array_new ());
        }
      g_ptr_array_add (groups->pdata[GPOINTER_TO_UINT (idx)], row[1]);
    }
  int n = (int) mrs->len;
  g_assert_cmpint (n, ==, 547);
  CeRefSet *refs = g_new (CeRefSet, n);
  const char **other = g_new (const char *, n), **own = g_new (const char *, n);
  for (int i = 0; i < n; i++)
    {
      GPtrArray *g = groups->pdata[i];
      refs[i].n = (int) g->len;
      refs[i].refs = (const char *const *) g->pdata;
      /* its own first reference without the first word: high, not 1 */
      const char *first = g->pdata[0], *space = strchr (first, ' ');
      own[i] = space ? space + 1 : first;
      GPtrArray *next = groups->pdata[(i + 1) % n];
      other[i] = next->pdata[next->len - 1];
    }
  /* one run of the script (it takes seconds): odd MRs get another MR's
   * reference, even ones their own less a word */
  const char **mixed = g_new (const char *, n);
  for (int i = 0; i < n; i++)
    mixed[i] = i % 2 ? other[i] : own[i];
  double mid = agree_with_script (python, script, n, (const char *const *) mrs->pdata, mixed, refs);
  double low, high;
  char msg[CE_MSG_SIZE];
  g_assert_cmpint (ce_bleu_corpus (n, other, refs, CE_METRIC_WORDS, &low, msg), ==, CE_OK);
  g_assert_cmpint (ce_bleu_corpus (n, own, refs, CE_METRIC_WORDS, &high, msg), ==, CE_OK);
  g_test_message ("dev set: other MR's reference %.4f, mixed %.4f, own reference less a word %.4f", low, mid, high);
  g_assert_cmpfloat (low, <, mid);
  g_assert_cmpfloat (mid, <, high);
  g_assert_cmpfloat (low, <, 0.5);
  g_assert_cmpfloat (high, >, 0.8);
  g_assert_cmpfloat (high, <, 1.0);
  g_free (mixed);
  g_free (refs);
  g_free (other);
  g_free (own);
  g_ptr_array_unref (groups);
  g_ptr_array_unref (mrs);
  g_hash_table_unref (index);
  g_ptr_array_unref (rows);
  g_free (dev);
  g_free (script);
}

static void
test_bleu_hand (void)
{
  double b;
  char msg[CE_MSG_SIZE];
  const char *ref[] = { "the cat sat on the mat today" };
  CeRefSet rs = { 1, ref };
  const char *same[] = { "The cat sat on the mat today" };
  g_assert_cmpint (ce_bleu_corpus (1, same, &rs, CE_METRIC_WORDS, &b, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (b, 1.0, 1e-12);
  /* every n-gram matches, one word short: only the brevity penalty */
  const char *shorter[] = { "the cat sat on the mat" };
  g_assert_cmpint (ce_bleu_corpus (1, shorter, &rs, CE_METRIC_WORDS, &b, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (b, exp (1.0 - 7.0 / 6.0), 1e-12);
  /* no 4-gram in common: 0 without smoothing */
  const char *scrambled[] = { "mat the on sat cat the today" };
  g_assert_cmpint (ce_bleu_corpus (1, scrambled, &rs, CE_METRIC_WORDS, &b, msg), ==, CE_OK);
  g_assert_cmpfloat (b, ==, 0.0);
  /* clipping: "the the the the the the the" matches "the" twice */
  const char *ref2[] = { "the cat the mat", "the the dog" };
  CeRefSet rs2 = { 2, ref2 };
  const char *rep[] = { "the the the" };
  double p1 = 2.0 / 3.0, p2 = 1.0 / 2.0;   /* "the the" occurs once in ref 2 */
  g_assert_cmpint (ce_bleu_sentence (rep[0], &rs2, CE_METRIC_WORDS, &b, msg), ==, CE_OK);
  /* NLTK method 3: p3 (0 of 1) -> 1/2, p4 (0 of max(1, 0)) -> 1/4; closest ref length 3 */
  g_assert_cmpfloat_with_epsilon (b, exp (0.25 * (log (p1) + log (p2) + log (0.5) + log (0.25))), 1e-12);

  /* character BLEU by hand: "abcd" vs "abce": 3/4, 2/3, 1/2, 0/1 -> 1/2 */
  const char *cref[] = { "abce" };
  CeRefSet crs = { 1, cref };
  g_assert_cmpint (ce_bleu_sentence ("abcd", &crs, CE_METRIC_CHARS, &b, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (b, exp (0.25 * (log (0.75) + log (2.0 / 3) + log (0.5) + log (0.5))), 1e-12);
  const char *zh_ref[] = { "白色的衣身十分百搭" };
  CeRefSet zrs = { 1, zh_ref };
  g_assert_cmpint (ce_bleu_sentence ("白色的衣身十分百搭", &zrs, CE_METRIC_CHARS, &b, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (b, 1.0, 1e-12);
  g_assert_cmpint (ce_bleu_sentence ("黑", &zrs, CE_METRIC_CHARS, &b, msg), ==, CE_OK);
  g_assert_cmpfloat (b, ==, 0.0);   /* no unigram in common */
  const char *outs[] = { "abcd", "白色的衣身十分百搭" };
  const CeRefSet both[] = { crs, zrs };
  double mean;
  g_assert_cmpint (ce_bleu_sentence_mean (2, outs, both, CE_METRIC_CHARS, &mean, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (mean, 50.0 * (exp (0.25 * (log (0.75) + log (2.0 / 3) + log (0.25))) + 1.0), 1e-9);

  /* errors */
  const char *bad[] = { "ok \xff" };
  g_assert_cmpint (ce_bleu_corpus (1, bad, &rs, CE_METRIC_WORDS, &b, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "invalid UTF-8 at byte 3"));
  CeRefSet none = { 0, NULL };
  g_assert_cmpint (ce_bleu_sentence ("x", &none, CE_METRIC_WORDS, &b, msg), ==, CE_ERR_INVALID_ARG);
}

/* NLTK's sentence_bleu with smoothing method 3 on characters, the
 * AdvertiseGen/ChatGLM convention, when python3-nltk is installed. */
static void
test_bleu_nltk (void)
{
  const char *python = find_python ("nltk");
  if (!python)
    {
      g_test_skip ("python3-nltk is not installed (the hand-computed cases in /engine/metrics/bleu/hand still run)");
      return;
    }
  const char *pairs[][2] = {
    { "简约而不简单的牛仔外套，白色的衣身十分百搭。", "简约的牛仔外套，白色衣身百搭，破洞设计。" },
    { "这款连衣裙采用雪纺面料", "这款半身裙采用蕾丝面料，优雅迷人。" },
    { "短", "这是一段很长的参考文本，用来测试长度惩罚。" },
    { "a b", "a b c d e" },
    { "The Vaults is a pub.", "The Vaults pub near Café Adriatic." },
    { "完全不同", "毫无关系的句子" },
  };
  /* the pairs go to Python as arguments (UTF-8) */
  const char *code = "import sys\n"
                     "from nltk.translate.bleu_score import sentence_bleu, SmoothingFunction\n"
                     "a = sys.argv[1:]\n"
                     "for h, r in zip(a[0::2], a[1::2]):\n"
                     "  print(repr(sentence_bleu([list(r)], list(h), smoothing_function=SmoothingFunction().method3)))\n";
  const char *args[2 + 2 * G_N_ELEMENTS (pairs) + 1];
  int k = 0;
  args[k++] = "-c";
  args[k++] = code;
  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      args[k++] = pairs[i][0];
      args[k++] = pairs[i][1];
    }
  args[k] = NULL;
  char *out = run_python (python, args);
  char **lines = g_strsplit (out, "\n", -1);
  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      const char *ref[] = { pairs[i][1] };
      CeRefSet rs = { 1, ref };
      double b;
      g_assert_cmpint (ce_bleu_sentence (pairs[i][0], &rs, CE_METRIC_CHARS, &b, NULL), ==, CE_OK);
      double want = g_ascii_strtod (lines[i], NULL);
      g_test_message ("nltk %s  ce_bleu_sentence %.15g", lines[i], b);
      g_assert_cmpfloat_with_epsilon (b, want, 1e-12);
    }
  g_strfreev (lines);
  g_free (out);
}

/* The metrics lowercase as Python does: every code point whose
 * str.lower() is one other code point maps the same here. */
static void
test_lowercase_python (void)
{
  const char *python = find_python ("");
  if (!python)
    {
      g_test_skip ("python3 is not installed");
      return;
    }
  const char *args[] = { "-c",
                         "for c in range(0x110000):\n"
                         "  if 0xD800 <= c <= 0xDFFF: continue\n"
                         "  l = chr(c).lower()\n"
                         "  if len(l) == 1 and ord(l) != c: print(c, ord(l))\n",
                         NULL };
  char *out = run_python (python, args);
  char **lines = g_strsplit (out, "\n", -1);
  int checked = 0;
  for (char **l = lines; *l && **l; l++)
    {
      gunichar up = (gunichar) g_ascii_strtoull (*l, NULL, 10);
      gunichar low = (gunichar) g_ascii_strtoull (strchr (*l, ' ') + 1, NULL, 10);
      if (up == 0x130)
        continue;   /* Python gives two code points */
      char a[8] = { 0 }, b[8] = { 0 };
      g_unichar_to_utf8 (up, a);
      g_unichar_to_utf8 (low, b);
      /* distinct-1 of "A a" is 1/2 when both lowercase to one token */
      char *text = g_strdup_printf ("%s %s", a, b);
      const char *outs[] = { text };
      double d;
      g_assert_cmpint (ce_distinct (1, outs, CE_METRIC_WORDS, 1, &d, NULL), ==, CE_OK);
      if (d != 0.5)
        g_error ("U+%04X lowercases differently from Python (U+%04X)", up, low);
      g_free (text);
      checked++;
    }
  g_test_message ("%d code points lowercase as Python's str.lower()", checked);
  g_assert_cmpint (checked, >, 1000);
  g_strfreev (lines);
  g_free (out);
}

static void
test_rouge_l (void)
{
  char msg[CE_MSG_SIZE];
  double r;
  const char *ref[] = { "the cat on the mat sat" };
  CeRefSet rs = { 1, ref };
  const char *out[] = { "the cat sat" };
  /* LCS 3: P = 1, R = 1/2 */
  g_assert_cmpint (ce_rouge_l (1, out, &rs, CE_METRIC_WORDS, 1.2, &r, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (r, 2.44 * 0.5 / (0.5 + 1.44), 1e-12);
  g_assert_cmpint (ce_rouge_l (1, out, &rs, CE_METRIC_WORDS, 1.0, &r, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (r, 2.0 / 3.0, 1e-12);
  /* several references: the best precision and the best recall */
  const char *refs2[] = { "the cat", "a dog sat on the cat sat mat" };
  CeRefSet rs2 = { 2, refs2 };
  /* ref 1: lcs 2 -> P 2/3, R 1; ref 2: lcs("the cat sat", ...) = 3 -> P 1, R 3/8 */
  g_assert_cmpint (ce_rouge_l (1, out, &rs2, CE_METRIC_WORDS, 1.0, &r, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (r, 2.0 * 1.0 * 1.0 / 2.0, 1e-12);
  /* characters, and the mean over items */
  const char *zh_ref[] = { "白色的衣身" }, *zh_out[] = { "白衣身", "" };
  const CeRefSet zrs[] = { { 1, zh_ref }, { 1, zh_ref } };
  g_assert_cmpint (ce_rouge_l (2, zh_out, zrs, CE_METRIC_CHARS, 1.0, &r, msg), ==, CE_OK);
  /* item 1: lcs 3, P 1, R 3/5 -> F 0.75; item 2: empty -> 0 */
  g_assert_cmpfloat_with_epsilon (r, 0.75 / 2, 1e-12);
}

static void
test_distinct_self_bleu (void)
{
  char msg[CE_MSG_SIZE];
  double d;
  const char *outs[] = { "a b a b", "A c" };
  g_assert_cmpint (ce_distinct (2, outs, CE_METRIC_WORDS, 1, &d, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (d, 3.0 / 6.0, 1e-12);
  g_assert_cmpint (ce_distinct (2, outs, CE_METRIC_WORDS, 2, &d, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (d, 3.0 / 4.0, 1e-12);
  g_assert_cmpint (ce_distinct (2, outs, CE_METRIC_WORDS, 4, &d, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (d, 1.0, 1e-12);
  const char *zh[] = { "白色白色", "白色" };
  g_assert_cmpint (ce_distinct (2, zh, CE_METRIC_CHARS, 2, &d, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (d, 2.0 / 4.0, 1e-12);   /* 白色 色白 白色 | 白色 */
  g_assert_cmpint (ce_distinct (2, outs, CE_METRIC_WORDS, 0, &d, msg), ==, CE_ERR_INVALID_ARG);

  double sb;
  const char *same[] = { "the pub is near the river", "the pub is near the river", "the pub is near the river" };
  g_assert_cmpint (ce_self_bleu (3, same, CE_METRIC_WORDS, &sb, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (sb, 1.0, 1e-12);
  const char *apart[] = { "alpha beta gamma", "delta epsilon zeta", "eta theta iota" };
  g_assert_cmpint (ce_self_bleu (3, apart, CE_METRIC_WORDS, &sb, msg), ==, CE_OK);
  g_assert_cmpfloat (sb, ==, 0.0);
  /* two variants: each is scored against the other, so the mean is their sentence BLEU */
  const char *two[] = { "the pub is near the river", "the pub is by the river" };
  double ab, ba;
  CeRefSet r_b = { 1, &two[1] }, r_a = { 1, &two[0] };
  ce_bleu_sentence (two[0], &r_b, CE_METRIC_WORDS, &ab, msg);
  ce_bleu_sentence (two[1], &r_a, CE_METRIC_WORDS, &ba, msg);
  g_assert_cmpint (ce_self_bleu (2, two, CE_METRIC_WORDS, &sb, msg), ==, CE_OK);
  g_assert_cmpfloat_with_epsilon (sb, (ab + ba) / 2, 1e-12);
  g_assert_cmpfloat (sb, >, 0.2);
  g_assert_cmpfloat (sb, <, 0.9);
  g_assert_cmpint (ce_self_bleu (1, two, CE_METRIC_WORDS, &sb, msg), ==, CE_ERR_INVALID_ARG);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/metrics/bleu/hand", test_bleu_hand);
  g_test_add_func ("/engine/metrics/bleu/e2e-script-tricky", test_bleu_script_tricky);
  g_test_add_func ("/engine/metrics/bleu/e2e-script-dev", test_bleu_script_dev);
  g_test_add_func ("/engine/metrics/bleu/nltk-method3", test_bleu_nltk);
  g_test_add_func ("/engine/metrics/lowercase-python", test_lowercase_python);
  g_test_add_func ("/engine/metrics/rouge-l", test_rouge_l);
  g_test_add_func ("/engine/metrics/distinct-self-bleu", test_distinct_self_bleu);
  return g_test_run ();
}
