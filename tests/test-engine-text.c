/* test-engine-text.c — tokenizer, detokenizer, vocabulary, attribute
 * formats and the source sequence (engine/ce-text.c, ce-vocab.c, ce-attrs.c). */
#include <glib.h>
#include <string.h>

#include "engine.h"
#include "test-engine-text-data.h"

static void
assert_tokens (const char *text, unsigned flags, const char *const *expect)
{
  CeTokens t;
  char msg[CE_MSG_SIZE] = "";
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize (text, -1, flags, &t, msg), ==, CE_OK);
  int n = (int) g_strv_length ((char **) expect);
  for (int i = 0; i < t.n && i < n; i++)
    g_assert_cmpstr (t.text[i], ==, expect[i]);
  g_assert_cmpint (t.n, ==, n);
  ce_tokens_clear (&t);
}

static void
test_tokenize_english (void)
{
  const char *const e[] = { "The", "Vaults", "pub", "near", "Café", "Adriatic", "has", "a", "5", "star",
                            "rating", ".", "Prices", "start", "at", "£30", ".", NULL };
  assert_tokens ("The Vaults pub near Café Adriatic has a 5 star rating. Prices start at £30.", 0, e);
  const char *const e2[] = { "It's", "family-friendly", ",", "don't", "miss", "it", "!", NULL };
  assert_tokens ("It's family-friendly, don't miss it!", 0, e2);
  const char *const e3[] = { "(", "near", "the", "river", ")", "-", "\"", "ok", "\"", NULL };
  assert_tokens ("(near the river) - \"ok\"", 0, e3);
}

static void
test_tokenize_numbers (void)
{
  const char *const e[] = { "20.5", "2E4", "£20-25", "£20", "-", "£25", "1,000", "3", ".", "10am", "5-star", "2e-3",
                            "$5", "€7.50", NULL };
  assert_tokens ("20.5 2E4 £20-25 £20 - £25 1,000 3. 10am 5-star 2e-3 $5 €7.50", 0, e);
  /* kinds */
  CeTokens t;
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize ("£30 and 10am, 20-25", -1, 0, &t, NULL), ==, CE_OK);
  g_assert_cmpint (t.n, ==, 5);
  g_assert_cmpint (t.info[0].kind, ==, CE_TOKEN_NUMBER);
  g_assert_cmpint (t.info[1].kind, ==, CE_TOKEN_WORD);
  g_assert_cmpint (t.info[2].kind, ==, CE_TOKEN_WORD);
  g_assert_cmpint (t.info[3].kind, ==, CE_TOKEN_PUNCT);
  g_assert_cmpint (t.info[4].kind, ==, CE_TOKEN_NUMBER);
  ce_tokens_clear (&t);
}

static void
test_tokenize_cjk (void)
{
  const char *const e[] = { "简", "约", "的", "牛", "仔", "外", "套", "，", "白", "色", "！", "。", NULL };
  assert_tokens ("简约的牛仔外套，白色！。", 0, e);
  CeTokens t;
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize ("简约 的", -1, 0, &t, NULL), ==, CE_OK);
  g_assert_cmpint (t.n, ==, 3);
  g_assert_cmpint (t.info[0].kind, ==, CE_TOKEN_CJK);
  g_assert_cmpuint (t.info[1].byte_start, ==, 3);
  g_assert_cmpuint (t.info[1].char_start, ==, 1);
  g_assert_cmpuint (t.info[2].byte_start, ==, 7);
  g_assert_cmpuint (t.info[2].char_start, ==, 3);
  g_assert_cmpuint (t.info[2].char_end, ==, 4);
  g_assert_true (t.info[2].space_before);
  g_assert_false (t.info[1].space_before);
  ce_tokens_clear (&t);
}

static void
test_tokenize_mixed (void)
{
  const char *const e[] = { "这", "款", "T", "恤", "采", "用", "100", "%", "纯", "棉", "，", "iPhone", "15", "可", "用", NULL };
  assert_tokens ("这款T恤采用100%纯棉，iPhone 15可用", 0, e);
}

static void
test_tokenize_slots_lower (void)
{
  const char *const e[] = { "<name>", "is", "near", "<near>", "'s", "park", "<颜色_2>", "<", "no", "spaces", ">", NULL };
  assert_tokens ("<name> is near <near>'s park <颜色_2> <no spaces>", CE_TOKENIZE_SLOTS, e);
  const char *const e2[] = { "<", "name", ">", NULL };
  assert_tokens ("<name>", 0, e2);
  const char *const e3[] = { "Café", "ÉCOLE", "ΑΒΓ", NULL };
  assert_tokens ("Café ÉCOLE ΑΒΓ", 0, e3);
  const char *const e4[] = { "café", "école", "αβγ", "straße", "<name>", NULL };
  assert_tokens ("Café ÉCOLE ΑΒΓ STRAßE <NAME>", CE_TOKENIZE_LOWER | CE_TOKENIZE_SLOTS, e4);
}

static void
test_tokenize_invalid (void)
{
  struct {
    const char *text;
    const char *where;
  } cases[] = {
    { "abc\xff", "byte 3" },
    { "ab\xe4\xb8", "byte 2" },         /* truncated */
    { "\xc0\xaf", "byte 0" },           /* overlong */
    { "x \xed\xa0\x80", "byte 2" },     /* surrogate */
    { "ok \xf5\x80\x80\x80", "byte 3" },/* beyond U+10FFFF */
  };
  CeTokens t;
  ce_tokens_init (&t);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char msg[CE_MSG_SIZE] = "";
      g_assert_cmpint (ce_tokenize (cases[i].text, -1, 0, &t, msg), ==, CE_ERR_FORMAT);
      g_assert_nonnull (strstr (msg, "invalid UTF-8"));
      g_assert_nonnull (strstr (msg, cases[i].where));
    }
  size_t bad = 99;
  g_assert_false (ce_utf8_valid ("ab\xff", 3, &bad));
  g_assert_cmpuint (bad, ==, 2);
  g_assert_true (ce_utf8_valid ("简约", strlen ("简约"), NULL));
  g_assert_cmpuint (ce_utf8_chars ("简约a", -1), ==, 3);
  ce_tokens_clear (&t);
}

static void
test_tokenize_long (void)
{
  GString *s = g_string_new (NULL);
  while (ce_utf8_chars (s->str, (ptrdiff_t) s->len) < 100000)
    g_string_append (s, "Word 12.5, 白色！ ");
  CeTokens t;
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize (s->str, (ptrdiff_t) s->len, 0, &t, NULL), ==, CE_OK);
  /* every repetition is 6 tokens: Word 12.5 , 白 色 ！ */
  size_t reps = (s->len + strlen ("Word 12.5, 白色！ ") - 1) / strlen ("Word 12.5, 白色！ ");
  g_assert_cmpint (t.n, ==, (int) (6 * reps));
  g_assert_cmpstr (t.text[t.n - 1], ==, "！");
  g_assert_cmpuint (t.info[t.n - 1].byte_end, ==, s->len - 1);
  /* reuse keeps working on a short text */
  g_assert_cmpint (ce_tokenize ("a b", -1, 0, &t, NULL), ==, CE_OK);
  g_assert_cmpint (t.n, ==, 2);
  g_assert_cmpstr (t.text[1], ==, "b");
  ce_tokens_clear (&t);
  g_string_free (s, TRUE);
}

static char *
roundtrip (const char *text)
{
  CeTokens t;
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize (text, -1, CE_TOKENIZE_SLOTS, &t, NULL), ==, CE_OK);
  char *out = ce_detokenize (t.text, t.n);
  ce_tokens_clear (&t);
  return out;
}

static void
test_detokenize (void)
{
  const char *same[] = {
    "Close to Café Brazil, The Cambridge Blue pub serves delicious Tuscan Beef for the cheap price of £10.50. Delicious Pub food.",
    "It's 5% off (today only)! Really?",
    "简约而不简单的牛仔外套，白色的衣身十分百搭。",
    "这款T恤采用100%纯棉，舒适透气。",
    "<name> is near <near>'s park.",
    "He said \"hello there\" and left.",
    "A shop called 'Aromi' near 'The Portland Arms'.",
    "Prices range from £20-25 per person; rating: 3 out of 5.",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (same); i++)
    {
      char *out = roundtrip (same[i]);
      g_assert_cmpstr (out, ==, same[i]);
      g_free (out);
    }
  const char *toks[] = { "word", ",", "word", ".", "£", "30", "and", "白", "色", "!" };
  char *out = ce_detokenize (toks, G_N_ELEMENTS (toks));
  /* no space next to a CJK character */
  g_assert_cmpstr (out, ==, "word, word. £30 and白色!");
  free (out);
  g_assert_cmpint (ce_detok_space (NULL, "a"), ==, 0);
  g_assert_cmpint (ce_detok_space ("a", "b"), ==, 1);
  g_assert_cmpint (ce_detok_space ("a", "."), ==, 0);
  g_assert_cmpint (ce_detok_space ("£", "30"), ==, 0);
  g_assert_cmpint (ce_detok_space ("白", "色"), ==, 0);
  g_assert_cmpint (ce_detok_space ("the", "<name>"), ==, 1);
}

/* ---- vocabulary ---- */

static CeVocab *
vocab_from_text (const char *text, int min_count, int max_size, const char *const *reserved, int n_reserved)
{
  CeVocabBuilder *b = ce_vocab_builder_new ();
  CeTokens t;
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize (text, -1, CE_TOKENIZE_SLOTS, &t, NULL), ==, CE_OK);
  g_assert_cmpint (ce_vocab_builder_add_tokens (b, &t), ==, CE_OK);
  CeStatus st;
  char msg[CE_MSG_SIZE];
  CeVocab *v = ce_vocab_builder_finish (b, min_count, max_size, reserved, n_reserved, &st, msg);
  g_assert_cmpint (st, ==, CE_OK);
  g_assert_nonnull (v);
  ce_tokens_clear (&t);
  ce_vocab_builder_free (b);
  return v;
}

static void
test_vocab_order (void)
{
  const char *text = "b a c a b a d <unk> <name> x x x";
  const char *reserved[] = { "<near>", "<name>" };
  CeVocab *v = vocab_from_text (text, 2, 0, reserved, 2);
  /* specials, reserved in order, then a(3) x(3) b(2); c, d, <unk> dropped or special */
  const char *expect[] = { "<pad>", "<unk>", "<s>", "</s>", "<near>", "<name>", "a", "x", "b" };
  g_assert_cmpint (ce_vocab_size (v), ==, G_N_ELEMENTS (expect));
  for (gsize i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_assert_cmpstr (ce_vocab_token (v, (int32_t) i), ==, expect[i]);
      g_assert_cmpint (ce_vocab_lookup (v, expect[i], -1), ==, (int32_t) i);
    }
  g_assert_cmpint (ce_vocab_lookup (v, "c", -1), ==, CE_TOK_UNK);
  g_assert_cmpint (ce_vocab_lookup (v, "abc", 1), ==, 6);
  g_assert_null (ce_vocab_token (v, 9));
  g_assert_null (ce_vocab_token (v, -1));
  g_assert_true (ce_vocab_is_slot (v, 4));
  g_assert_true (ce_vocab_is_slot (v, 5));
  g_assert_false (ce_vocab_is_slot (v, CE_TOK_UNK));
  g_assert_false (ce_vocab_is_slot (v, 6));
  g_assert_cmpint (CE_TOK_PAD, ==, 0);
  g_assert_cmpint (ce_vocab_lookup (v, "<s>", -1), ==, CE_TOK_BOS);
  g_assert_cmpint (ce_vocab_lookup (v, "</s>", -1), ==, CE_TOK_EOS);

  /* max size keeps the most frequent; same input, same vocabulary */
  CeVocab *small = vocab_from_text (text, 1, 7, NULL, 0);
  g_assert_cmpint (ce_vocab_size (small), ==, 7);
  g_assert_cmpstr (ce_vocab_token (small, 4), ==, "a");
  g_assert_cmpstr (ce_vocab_token (small, 5), ==, "x");
  g_assert_cmpstr (ce_vocab_token (small, 6), ==, "b");
  CeVocab *again = vocab_from_text ("x x x d a a c b <name> b a <unk>", 1, 0, NULL, 0);
  CeVocab *first = vocab_from_text (text, 1, 0, NULL, 0);
  g_assert_cmpint (ce_vocab_size (again), ==, ce_vocab_size (first));
  for (int i = 0; i < ce_vocab_size (first); i++)
    g_assert_cmpstr (ce_vocab_token (again, i), ==, ce_vocab_token (first, i));
  /* ties are bytewise: c, d (1 each) after <name> ('<' < 'c') */
  g_assert_cmpstr (ce_vocab_token (first, 7), ==, "<name>");
  g_assert_cmpstr (ce_vocab_token (first, 8), ==, "c");
  g_assert_cmpstr (ce_vocab_token (first, 9), ==, "d");

  /* save and load as a string list */
  CeStatus st;
  char msg[CE_MSG_SIZE];
  CeVocab *loaded = ce_vocab_new_from_list (ce_vocab_items (v), ce_vocab_size (v), &st, msg);
  g_assert_cmpint (st, ==, CE_OK);
  for (int i = 0; i < ce_vocab_size (v); i++)
    g_assert_cmpint (ce_vocab_lookup (loaded, ce_vocab_token (v, i), -1), ==, i);
  ce_vocab_free (loaded);

  const char *bad1[] = { "<pad>", "<s>", "<unk>", "</s>", "a" };
  g_assert_null (ce_vocab_new_from_list (bad1, 5, &st, msg));
  g_assert_cmpint (st, ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "item 1"));
  const char *bad2[] = { "<pad>", "<unk>", "<s>", "</s>", "a", "b", "a" };
  g_assert_null (ce_vocab_new_from_list (bad2, 7, &st, msg));
  g_assert_nonnull (strstr (msg, "repeats"));
  const char *bad3[] = { "<pad>", "<unk>" };
  g_assert_null (ce_vocab_new_from_list (bad3, 2, &st, msg));
  g_assert_cmpint (st, ==, CE_ERR_FORMAT);

  CeVocabBuilder *b = ce_vocab_builder_new ();
  g_assert_null (ce_vocab_builder_finish (b, 1, 3, NULL, 0, &st, msg));
  g_assert_cmpint (st, ==, CE_ERR_INVALID_ARG);
  ce_vocab_builder_free (b);

  ce_vocab_free (v);
  ce_vocab_free (small);
  ce_vocab_free (again);
  ce_vocab_free (first);
}

/* ---- attributes ---- */

static void
test_attrs_brackets (void)
{
  CeAttrs a;
  char msg[CE_MSG_SIZE];
  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_parse (&a,
                                   "name[The Vaults], eatType[pub], priceRange[more than £30], "
                                   "customer rating[5 out of 5], near[Café Adriatic]",
                                   CE_ATTRS_AUTO, msg),
                   ==, CE_OK);
  g_assert_cmpint (a.n, ==, 5);
  const char *keys[] = { "customer rating", "eatType", "name", "near", "priceRange" };
  for (int i = 0; i < 5; i++)
    g_assert_cmpstr (a.items[i].key, ==, keys[i]);
  g_assert_cmpstr (a.items[4].value, ==, "more than £30");
  g_assert_cmpint (ce_attrs_find (&a, "near"), ==, 3);
  g_assert_cmpint (ce_attrs_find (&a, "food"), ==, -1);
  char *f = ce_attrs_format (&a, CE_ATTRS_BRACKETS);
  g_assert_cmpstr (f, ==,
                   "customer rating[5 out of 5], eatType[pub], name[The Vaults], near[Café Adriatic], "
                   "priceRange[more than £30]");
  CeAttrs b;
  ce_attrs_init (&b);
  g_assert_cmpint (ce_attrs_parse (&b, f, CE_ATTRS_BRACKETS, msg), ==, CE_OK);
  g_assert_cmpint (b.n, ==, a.n);
  for (int i = 0; i < a.n; i++)
    {
      g_assert_cmpstr (b.items[i].key, ==, a.items[i].key);
      g_assert_cmpstr (b.items[i].value, ==, a.items[i].value);
    }
  free (f);
  ce_attrs_clear (&b);
  /* a value may hold a comma */
  ce_attrs_clear (&a);
  g_assert_cmpint (ce_attrs_parse (&a, "size[S, M, L], color[red]", CE_ATTRS_BRACKETS, msg), ==, CE_OK);
  g_assert_cmpstr (a.items[1].value, ==, "S, M, L");
  ce_attrs_clear (&a);

  struct {
    const char *text, *expect;
  } bad[] = {
    { "name[The Vaults", "'[' at character 5 is not closed" },
    { "name[a]], x[b]", "expected ',' after ']' at character 8" },
    { "[x]", "empty attribute key at character 1" },
    { "name[]", "empty value for attribute \"name\"" },
    { "name[a] eatType[pub]", "expected ',' after ']' at character 9" },
    { "name[a[b]]", "'[' at character 5 is not closed before the next '['" },
    { "name[a], eatType", "attribute \"eatType\" at character 10 has no '[value]'" },
    { "name]a]", "']' at character 5 has no '['" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      ce_attrs_init (&a);
      msg[0] = 0;
      g_assert_cmpint (ce_attrs_parse (&a, bad[i].text, CE_ATTRS_BRACKETS, msg), ==, CE_ERR_FORMAT);
      if (!strstr (msg, bad[i].expect))
        g_error ("\"%s\": message \"%s\" lacks \"%s\"", bad[i].text, msg, bad[i].expect);
      ce_attrs_clear (&a);
    }
  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_parse (&a, "name[\xff]", CE_ATTRS_BRACKETS, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "invalid UTF-8 at byte 5"));
  ce_attrs_clear (&a);
}

static void
test_attrs_hash (void)
{
  CeAttrs a;
  char msg[CE_MSG_SIZE];
  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_parse (&a, "类型#上衣*图案#卡通*风格#嘻哈*图案#印花*图案#撞色", CE_ATTRS_AUTO, msg), ==, CE_OK);
  g_assert_cmpint (a.n, ==, 5);
  /* sorted by key bytes: 图 (E5 9B BE) < 类 (E7 B1 BB) < 风 (E9 A3 8E) */
  g_assert_cmpstr (a.items[0].key, ==, "图案");
  g_assert_cmpstr (a.items[0].value, ==, "卡通");
  g_assert_cmpint (a.items[0].rank, ==, 0);
  g_assert_cmpstr (a.items[1].value, ==, "印花");
  g_assert_cmpint (a.items[1].rank, ==, 1);
  g_assert_cmpstr (a.items[2].value, ==, "撞色");
  g_assert_cmpint (a.items[2].rank, ==, 2);
  g_assert_cmpstr (a.items[3].key, ==, "类型");
  g_assert_cmpstr (a.items[4].key, ==, "风格");
  char *f = ce_attrs_format (&a, CE_ATTRS_HASH);
  g_assert_cmpstr (f, ==, "图案#卡通*图案#印花*图案#撞色*类型#上衣*风格#嘻哈");
  free (f);
  ce_attrs_clear (&a);

  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_parse (&a, "类型#上衣*材质牛仔布", CE_ATTRS_HASH, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "\"材质牛仔布\" at character 7 has no '#'"));
  ce_attrs_clear (&a);
  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_parse (&a, "#上衣", CE_ATTRS_HASH, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "empty attribute key at character 1"));
  ce_attrs_clear (&a);
  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_parse (&a, "类型#上衣*颜色#", CE_ATTRS_HASH, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "empty value for attribute \"颜色\""));
  ce_attrs_clear (&a);
}

/* ce_attrs_shuffle: the same (key, value, rank) set in another order; the
 * same seed gives the same order; rows of 0 and 1 pairs are left alone. */
static void
test_attrs_shuffle (void)
{
  CeAttrs a, orig, empty;
  CeRng rng, rng2;
  char msg[CE_MSG_SIZE];
  int moved = 0;

  ce_attrs_init (&orig);
  g_assert_cmpint (ce_attrs_parse (&orig, "类型#裙*颜色#蓝色*图案#刺绣*图案#条纹*材质#蕾丝*裙长#连衣裙", CE_ATTRS_HASH, msg), ==, CE_OK);
  g_assert_cmpint (orig.n, ==, 6);
  g_assert_cmpint (orig.items[ce_attrs_find (&orig, "图案") + 1].rank, ==, 1);   /* the second 图案 */
  ce_rng_seed (&rng, 3);
  for (int round = 0; round < 20; round++)
    {
      gboolean used[6] = { FALSE };
      ce_attrs_init (&a);
      for (int i = 0; i < orig.n; i++)
        g_assert_cmpint (ce_attrs_add (&a, orig.items[i].key, orig.items[i].value, msg), ==, CE_OK);
      rng2 = rng;
      ce_attrs_shuffle (&a, &rng);
      g_assert_cmpint (a.n, ==, orig.n);
      for (int i = 0; i < a.n; i++)
        {
          int j = 0;
          while (j < orig.n && !(g_str_equal (orig.items[j].key, a.items[i].key)
                                 && g_str_equal (orig.items[j].value, a.items[i].value)))
            j++;
          g_assert_cmpint (j, <, orig.n);
          g_assert_false (used[j]);
          used[j] = TRUE;
          g_assert_cmpint (a.items[i].rank, ==, orig.items[j].rank);   /* ranks stay with their values */
          moved += j != i;
        }
      /* the same RNG state gives the same order */
      {
        CeAttrs b;
        ce_attrs_init (&b);
        for (int i = 0; i < orig.n; i++)
          g_assert_cmpint (ce_attrs_add (&b, orig.items[i].key, orig.items[i].value, msg), ==, CE_OK);
        ce_attrs_shuffle (&b, &rng2);
        for (int i = 0; i < a.n; i++)
          g_assert_cmpstr (b.items[i].value, ==, a.items[i].value);
        ce_attrs_clear (&b);
      }
      ce_attrs_clear (&a);
    }
  g_assert_cmpint (moved, >, 20 * 3);   /* the order does change */

  ce_attrs_init (&empty);
  ce_attrs_shuffle (&empty, &rng);
  g_assert_cmpint (empty.n, ==, 0);
  g_assert_cmpint (ce_attrs_add (&empty, "颜色", "红色", msg), ==, CE_OK);
  ce_attrs_shuffle (&empty, &rng);
  g_assert_cmpstr (empty.items[0].value, ==, "红色");
  ce_attrs_clear (&empty);
  ce_attrs_clear (&orig);
}

static void
test_attrs_list (void)
{
  CeAttrs a;
  char msg[CE_MSG_SIZE];
  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_add (&a, "Material", " Cotton ", msg), ==, CE_OK);
  g_assert_cmpint (ce_attrs_add_list (&a, "Color", "Red, Blue|Green，黄色、 白色 ,", msg), ==, CE_OK);
  g_assert_cmpint (a.n, ==, 6);
  const char *values[] = { "Red", "Blue", "Green", "黄色", "白色" };
  for (int i = 0; i < 5; i++)
    {
      g_assert_cmpstr (a.items[i].key, ==, "Color");
      g_assert_cmpstr (a.items[i].value, ==, values[i]);
      g_assert_cmpint (a.items[i].rank, ==, i);
    }
  g_assert_cmpstr (a.items[5].value, ==, "Cotton");
  g_assert_cmpint (ce_attrs_add_list (&a, "Size", " , ,", msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "has no values"));
  g_assert_cmpint (ce_attrs_add (&a, "  ", "x", msg), ==, CE_ERR_FORMAT);
  g_assert_cmpint (ce_attrs_add (&a, "k", "\xe4", msg), ==, CE_ERR_FORMAT);
  g_assert_cmpint (a.n, ==, 6);
  ce_attrs_clear (&a);
}

static void
test_slot_token (void)
{
  char buf[64];
  g_assert_cmpint (ce_slot_token ("customer rating", 0, buf, sizeof buf), ==, 17);
  g_assert_cmpstr (buf, ==, "<customer_rating>");
  ce_slot_token ("图案", 1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "<图案_2>");
  ce_slot_token ("Color", 0, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "<color>");
  ce_slot_token ("Attribute <1> name!", 2, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "<attribute_1_name_3>");
  g_assert_cmpint (ce_slot_token ("customer rating", 0, buf, 10), ==, -1);
  /* a slot token tokenizes as one token */
  CeTokens t;
  ce_tokens_init (&t);
  ce_slot_token ("familyFriendly", 0, buf, sizeof buf);
  g_assert_cmpint (ce_tokenize (buf, -1, CE_TOKENIZE_SLOTS, &t, NULL), ==, CE_OK);
  g_assert_cmpint (t.n, ==, 1);
  g_assert_cmpint (t.info[0].kind, ==, CE_TOKEN_SLOT);
  ce_tokens_clear (&t);
}

static void
test_source (void)
{
  CeAttrs a;
  char msg[CE_MSG_SIZE];
  ce_attrs_init (&a);
  g_assert_cmpint (ce_attrs_parse (&a, "name[The Vaults], eatType[pub], near[Café Adriatic]", CE_ATTRS_AUTO, msg), ==, CE_OK);
  const char *dk[] = { "name", "near" };
  CeDelexKeys delex = { 0, dk, 2 };
  g_assert_true (ce_delex_key_selected (&delex, "near"));
  g_assert_false (ce_delex_key_selected (&delex, "eatType"));
  CeSource s;
  ce_source_init (&s);
  CeSourceOptions opts = { .delex = &delex, .slot_only = 1, .tokenize_flags = CE_TOKENIZE_LOWER };
  g_assert_cmpint (ce_source_build (&s, &a, &opts, msg), ==, CE_OK);
  const char *expect[] = { "pub", "<name>", "<near>" };
  g_assert_cmpint (s.n, ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpstr (s.strings.text[i], ==, expect[i]);

  /* vocabulary and fields from the strings and keys */
  CeVocabBuilder *vb = ce_vocab_builder_new (), *fb = ce_vocab_builder_new ();
  opts.slot_only = 0;
  g_assert_cmpint (ce_source_build (&s, &a, &opts, msg), ==, CE_OK);
  const char *expect2[] = { "pub", "<name>", "the", "vaults", "<near>", "café", "adriatic" };
  const int attr2[] = { 0, 1, 1, 1, 2, 2, 2 };
  g_assert_cmpint (s.n, ==, 7);
  for (int i = 0; i < 7; i++)
    {
      g_assert_cmpstr (s.strings.text[i], ==, expect2[i]);
      g_assert_cmpint (s.attr[i], ==, attr2[i]);
    }
  g_assert_cmpint (ce_vocab_builder_add_tokens (vb, &s.strings), ==, CE_OK);
  for (int i = 0; i < a.n; i++)
    ce_vocab_builder_add (fb, a.items[i].key, -1, 1);
  CeStatus st;
  CeVocab *vocab = ce_vocab_builder_finish (vb, 1, 0, NULL, 0, &st, msg);
  CeVocab *fields = ce_vocab_builder_finish (fb, 1, 0, NULL, 0, &st, msg);
  opts.vocab = vocab;
  opts.fields = fields;
  g_assert_cmpint (ce_source_build (&s, &a, &opts, msg), ==, CE_OK);
  for (int i = 0; i < s.n; i++)
    {
      g_assert_cmpint (s.tokens[i], ==, ce_vocab_lookup (vocab, expect2[i], -1));
      g_assert_cmpint (s.tokens[i], >=, CE_TOK_FIRST_REGULAR);
      g_assert_cmpint (s.fields[i], ==, ce_vocab_lookup (fields, a.items[attr2[i]].key, -1));
    }
  /* an unseen value maps to <unk>, its slot token does not */
  CeAttrs b;
  ce_attrs_init (&b);
  g_assert_cmpint (ce_attrs_parse (&b, "name[Zizzi Nova], eatType[pub]", CE_ATTRS_AUTO, msg), ==, CE_OK);
  g_assert_cmpint (ce_source_build (&s, &b, &opts, msg), ==, CE_OK);
  g_assert_cmpint (s.n, ==, 4);
  g_assert_cmpint (s.tokens[1], ==, ce_vocab_lookup (vocab, "<name>", -1));
  g_assert_cmpint (s.tokens[2], ==, CE_TOK_UNK);
  /* limit */
  opts.max_len = 3;
  g_assert_cmpint (ce_source_build (&s, &a, &opts, msg), ==, CE_ERR_LIMIT);
  g_assert_nonnull (strstr (msg, "7 source tokens, more than the limit 3"));
  ce_attrs_clear (&b);
  ce_vocab_free (vocab);
  ce_vocab_free (fields);
  ce_vocab_builder_free (vb);
  ce_vocab_builder_free (fb);
  ce_source_clear (&s);
  ce_attrs_clear (&a);
}

/* Every MR of the E2E training set parses, formats back and reparses the same. */
static void
test_e2e_attrs (void)
{
  char *path = text_data_path ("e2e/trainset.csv");
  if (!path)
    return;
  GPtrArray *rows = text_data_read_csv (path);
  g_assert_cmpuint (rows->len, ==, 42062);
  CeAttrs a, b;
  char msg[CE_MSG_SIZE];
  int max_n = 0;
  for (guint r = 1; r < rows->len; r++)
    {
      char **row = rows->pdata[r];
      ce_attrs_init (&a);
      ce_attrs_init (&b);
      if (ce_attrs_parse (&a, row[0], CE_ATTRS_AUTO, msg) != CE_OK)
        g_error ("row %u: %s", r + 1, msg);
      char *f = ce_attrs_format (&a, CE_ATTRS_BRACKETS);
      g_assert_cmpint (ce_attrs_parse (&b, f, CE_ATTRS_BRACKETS, msg), ==, CE_OK);
      g_assert_cmpint (a.n, ==, b.n);
      for (int i = 0; i < a.n; i++)
        g_assert_cmpstr (a.items[i].value, ==, b.items[i].value);
      /* as many attributes as "[" in the MR */
      int opens = 0;
      for (const char *p = row[0]; *p; p++)
        opens += *p == '[';
      g_assert_cmpint (a.n, ==, opens);
      max_n = MAX (max_n, a.n);
      free (f);
      ce_attrs_clear (&a);
      ce_attrs_clear (&b);
    }
  g_assert_cmpint (max_n, ==, 8);
  g_ptr_array_unref (rows);
  g_free (path);
}

/* detokenize(tokenize(ref)) gives the dev references back, up to runs of
 * spaces (the data has doubled spaces and stray spaces before "."). */
static void
test_e2e_detok_roundtrip (void)
{
  char *path = text_data_path ("e2e/devset.csv");
  if (!path)
    return;
  GPtrArray *rows = text_data_read_csv (path);
  CeTokens t;
  ce_tokens_init (&t);
  int exact = 0, same = 0, n = 0;
  GRegex *spaces = g_regex_new ("\\s+", 0, 0, NULL);
  for (guint r = 1; r < rows->len; r++)
    {
      const char *ref = ((char **) rows->pdata[r])[1];
      g_assert_cmpint (ce_tokenize (ref, -1, 0, &t, NULL), ==, CE_OK);
      char *out = ce_detokenize (t.text, t.n);
      char *collapsed = g_regex_replace_literal (spaces, ref, -1, 0, " ", 0, NULL);
      g_strstrip (collapsed);
      exact += strcmp (out, ref) == 0;
      same += strcmp (out, collapsed) == 0;
      n++;
      g_free (collapsed);
      free (out);
    }
  g_test_message ("E2E dev references: detokenize(tokenize(ref)) exact %d/%d, equal up to space runs %d/%d", exact,
                  n, same, n);
  g_assert_cmpint (same, >=, n * 97 / 100);
  g_regex_unref (spaces);
  ce_tokens_clear (&t);
  g_ptr_array_unref (rows);
  g_free (path);
}

static void
test_shop_attrs (void)
{
  char *path = text_data_path ("advertisegen/shop.json");
  if (!path)
    return;
  GPtrArray *content, *summary;
  text_data_read_shop (path, &content, &summary);
  g_assert_cmpuint (content->len, ==, 535);
  CeTokens t;
  ce_tokens_init (&t);
  for (guint i = 0; i < content->len; i++)
    {
      CeAttrs a;
      char msg[CE_MSG_SIZE];
      ce_attrs_init (&a);
      if (ce_attrs_parse (&a, content->pdata[i], CE_ATTRS_AUTO, msg) != CE_OK)
        g_error ("line %u: %s", i + 1, msg);
      g_assert_cmpint (a.n, >=, 1);
      g_assert_cmpint (ce_attrs_find (&a, "类型"), >=, 0);
      /* the copy tokenizes to one token per CJK character */
      g_assert_cmpint (ce_tokenize (summary->pdata[i], -1, 0, &t, msg), ==, CE_OK);
      for (int k = 0; k < t.n; k++)
        if (t.info[k].kind == CE_TOKEN_CJK)
          g_assert_cmpuint (t.info[k].char_end - t.info[k].char_start, ==, 1);
      ce_attrs_clear (&a);
    }
  ce_tokens_clear (&t);
  g_ptr_array_unref (content);
  g_ptr_array_unref (summary);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/text/tokenize/english", test_tokenize_english);
  g_test_add_func ("/engine/text/tokenize/numbers", test_tokenize_numbers);
  g_test_add_func ("/engine/text/tokenize/cjk", test_tokenize_cjk);
  g_test_add_func ("/engine/text/tokenize/mixed", test_tokenize_mixed);
  g_test_add_func ("/engine/text/tokenize/slots-lower", test_tokenize_slots_lower);
  g_test_add_func ("/engine/text/tokenize/invalid-utf8", test_tokenize_invalid);
  g_test_add_func ("/engine/text/tokenize/long", test_tokenize_long);
  g_test_add_func ("/engine/text/detokenize", test_detokenize);
  g_test_add_func ("/engine/text/vocab/order", test_vocab_order);
  g_test_add_func ("/engine/text/attrs/brackets", test_attrs_brackets);
  g_test_add_func ("/engine/text/attrs/hash", test_attrs_hash);
  g_test_add_func ("/engine/text/attrs/list", test_attrs_list);
  g_test_add_func ("/engine/text/attrs/shuffle", test_attrs_shuffle);
  g_test_add_func ("/engine/text/attrs/slot-token", test_slot_token);
  g_test_add_func ("/engine/text/source", test_source);
  g_test_add_func ("/engine/text/data/e2e-attrs", test_e2e_attrs);
  g_test_add_func ("/engine/text/data/e2e-detok-roundtrip", test_e2e_detok_roundtrip);
  g_test_add_func ("/engine/text/data/shop-attrs", test_shop_attrs);
  return g_test_run ();
}
