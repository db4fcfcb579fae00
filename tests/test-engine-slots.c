/* test-engine-slots.c — delexicalisation, relexicalisation and the fact
 * check (engine/ce-slots.c, ce-lexicon.c, ce-lexicon-tables.c). */
#include <glib.h>
#include <string.h>

#include "engine.h"
#include "test-engine-text-data.h"

static void
parse (CeAttrs *a, const char *text)
{
  char msg[CE_MSG_SIZE];
  ce_attrs_init (a);
  if (ce_attrs_parse (a, text, CE_ATTRS_AUTO, msg) != CE_OK)
    g_error ("%s: %s", text, msg);
}

static char *
delex (const CeAttrs *row, const CeDelexKeys *keys, const char *text, int *n)
{
  CeStatus st;
  char msg[CE_MSG_SIZE];
  char *out = ce_delexicalise (row, keys, text, n, &st, msg);
  g_assert_cmpint (st, ==, CE_OK);
  g_assert_nonnull (out);
  return out;
}

static const char *const e2e_keys[] = { "name", "near" };
static const CeDelexKeys e2e_delex = { 0, e2e_keys, 2 };
static const CeDelexKeys all_delex = { 1, NULL, 0 };

static void
test_delex_basic (void)
{
  CeAttrs a;
  int n;
  parse (&a, "name[The Vaults], eatType[pub], near[Café Adriatic]");
  char *out = delex (&a, &e2e_delex, "The Vaults pub near Café Adriatic has a 5 star rating. the vaults!", &n);
  g_assert_cmpstr (out, ==, "<name> pub near <near> has a 5 star rating. <name>!");
  g_assert_cmpint (n, ==, 3);
  free (out);
  /* whole words only; eatType is not delexicalised */
  out = delex (&a, &e2e_delex, "The Vaultsmith pub, not TheVaults.", &n);
  g_assert_cmpstr (out, ==, "The Vaultsmith pub, not TheVaults.");
  g_assert_cmpint (n, ==, 0);
  free (out);
  ce_attrs_clear (&a);

  /* longest value first; hyphens and spaces match; plurals */
  parse (&a, "name[Blue], near[Blue Spice], type[T-shirt], feature[family friendly]");
  out = delex (&a, &all_delex, "Blue is near blue  spice. Family-friendly t shirts and T-Shirt.", &n);
  g_assert_cmpstr (out, ==, "<name> is near <near>. <feature> <type> and <type>.");
  g_assert_cmpint (n, ==, 5);
  free (out);
  ce_attrs_clear (&a);

  /* CJK: substrings, repeated keys get ranked slots */
  parse (&a, "类型#上衣*颜色#白色*图案#卡通*图案#印花");
  out = delex (&a, &all_delex, "白色的上衣，卡通印花设计，白色百搭", &n);
  g_assert_cmpstr (out, ==, "<颜色>的<类型>，<图案><图案_2>设计，<颜色>百搭");
  g_assert_cmpint (n, ==, 5);
  free (out);
  CeStatus st;
  char msg[CE_MSG_SIZE];
  g_assert_null (ce_delexicalise (&a, &all_delex, "bad \xff", NULL, &st, msg));
  g_assert_cmpint (st, ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "byte 4"));
  ce_attrs_clear (&a);
}

static char *
relex_text (const CeAttrs *row, const char *delexed, CeRelexReport *rep)
{
  CeTokens t;
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize (delexed, -1, CE_TOKENIZE_SLOTS, &t, NULL), ==, CE_OK);
  CeStatus st;
  char *out = ce_relexicalise (row, t.text, t.n, rep, &st, NULL);
  g_assert_cmpint (st, ==, CE_OK);
  ce_tokens_clear (&t);
  return out;
}

static void
test_relex_unseen_value (void)
{
  /* a value no training data had comes out verbatim: it is copied */
  CeAttrs a;
  CeRelexReport rep;
  parse (&a, "name[Zanzibar Qx-9 Ünïcode], near[Café Adriatic], eatType[pub]");
  char *out = relex_text (&a, "<name> is a pub near <near>'s park.", &rep);
  g_assert_cmpstr (out, ==, "Zanzibar Qx-9 Ünïcode is a pub near Café Adriatic's park.");
  g_assert_cmpint (rep.n_filled, ==, 2);
  g_assert_cmpint (rep.n_unfilled, ==, 0);
  g_assert_false (rep.broken);
  free (out);
  ce_attrs_clear (&a);
  parse (&a, "类型#连衣裙*颜色#雾霾蓝");
  out = relex_text (&a, "这款<颜色>的<类型>，清新。", &rep);
  g_assert_cmpstr (out, ==, "这款雾霾蓝的连衣裙，清新。");
  free (out);
  ce_attrs_clear (&a);
}

static void
test_relex_leak (void)
{
  /* The prototype leaked a raw BRAND slot: a slot the row cannot fill is
   * dropped, counted, and the broken phrase reported. */
  CeAttrs a;
  CeRelexReport rep;
  parse (&a, "name[The Eagle], eatType[pub]");
  char *out = relex_text (&a, "<name> by <brand> is near <near>. <unk> It serves <food> <pad> food.", &rep);
  g_assert_null (strchr (out, '<'));
  g_assert_null (strchr (out, '>'));
  g_assert_cmpstr (out, ==, "The Eagle by is near. It serves food.");
  g_assert_cmpint (rep.n_filled, ==, 1);
  g_assert_cmpint (rep.n_unfilled, ==, 3);
  g_assert_cmpint (rep.n_unknown, ==, 2);
  g_assert_true (rep.broken);
  free (out);
  /* a drop that leaves a sound phrase is not broken */
  out = relex_text (&a, "<name> is a pub <brand>.", &rep);
  g_assert_cmpstr (out, ==, "The Eagle is a pub.");
  g_assert_cmpint (rep.n_unfilled, ==, 1);
  g_assert_false (rep.broken);
  free (out);
  out = relex_text (&a, "<food>", &rep);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (rep.broken);
  free (out);
  ce_attrs_clear (&a);
  /* a second value the row does not have */
  parse (&a, "图案#卡通*类型#上衣");
  out = relex_text (&a, "<图案>和<图案_2>的<类型>", &rep);
  g_assert_cmpstr (out, ==, "卡通和的上衣");
  g_assert_cmpint (rep.n_unfilled, ==, 1);
  g_assert_true (rep.broken);
  free (out);
  ce_attrs_clear (&a);
}

static void
test_unfillable_slots (void)
{
  const char *items[] = { "<pad>", "<unk>", "<s>", "</s>", "<name>", "<near>", "<图案>", "<图案_2>", "pub", "<food>" };
  CeStatus st;
  CeVocab *v = ce_vocab_new_from_list (items, G_N_ELEMENTS (items), &st, NULL);
  g_assert_nonnull (v);
  CeAttrs a;
  parse (&a, "name[The Eagle], eatType[pub], 图案[卡通]");
  uint8_t mask[G_N_ELEMENTS (items)];
  memset (mask, 7, sizeof mask);
  g_assert_cmpint (ce_vocab_unfillable_slots (v, &a, mask), ==, 3);
  const uint8_t expect[] = { 0, 0, 0, 0, 0, 1, 0, 1, 0, 1 };
  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    g_assert_cmpint (mask[i], ==, expect[i]);
  ce_attrs_clear (&a);
  ce_vocab_free (v);
}

/* relexicalise(tokenize(delexicalise(ref))) == detokenize(tokenize(ref)),
 * case-folded (values come back as the row spells them). */
static int
roundtrip_ok (const CeAttrs *row, const CeDelexKeys *keys, const char *ref, int *slots, int *has_name)
{
  char *d = delex (row, keys, ref, slots);
  if (has_name)
    *has_name = strstr (d, "<name>") != NULL;
  CeRelexReport rep;
  char *back = relex_text (row, d, &rep);
  CeTokens t;
  ce_tokens_init (&t);
  g_assert_cmpint (ce_tokenize (ref, -1, 0, &t, NULL), ==, CE_OK);
  char *plain = ce_detokenize (t.text, t.n);
  char *a = g_utf8_casefold (back, -1), *b = g_utf8_casefold (plain, -1);
  int ok = strcmp (a, b) == 0 && rep.n_unfilled == 0 && rep.n_filled == *slots;
  if (!ok && g_test_verbose ())
    g_test_message ("round trip differs:\n  %s\n  %s", plain, back);
  g_free (a);
  g_free (b);
  free (plain);
  free (back);
  free (d);
  ce_tokens_clear (&t);
  return ok;
}

static void
test_roundtrip_e2e (void)
{
  char *path = text_data_path ("e2e/trainset.csv");
  if (!path)
    return;
  GPtrArray *rows = text_data_read_csv (path);
  int ok = 0, total = 0, slots = 0, with_name = 0;
  for (guint r = 1; r < rows->len && r <= 3000; r++)
    {
      char **row = rows->pdata[r];
      CeAttrs a;
      int s, has_name;
      parse (&a, row[0]);
      ok += roundtrip_ok (&a, &e2e_delex, row[1], &s, &has_name);
      slots += s;
      total++;
      with_name += has_name;   /* the name is in most references */
      ce_attrs_clear (&a);
    }
  g_test_message ("E2E train rows 1-3000: round trip exact %d/%d, %d slots, <name> in %d", ok, total, slots,
                  with_name);
  g_assert_cmpint (total, ==, 3000);
  g_assert_cmpint (ok, >=, total * 98 / 100);
  g_assert_cmpint (with_name, >=, total * 90 / 100);
  g_ptr_array_unref (rows);
  g_free (path);
}

static void
test_roundtrip_shop (void)
{
  char *path = text_data_path ("advertisegen/shop.json");
  if (!path)
    return;
  GPtrArray *content, *summary;
  text_data_read_shop (path, &content, &summary);
  int ok = 0, slots = 0, values = 0, tried = 0;
  for (guint i = 0; i < content->len; i++)
    {
      CeAttrs a;
      int s;
      /* the data set marks characters it lost as a literal "<UNK>": such a
       * text cannot come back verbatim (the slot-shaped token is dropped) */
      if (strstr (summary->pdata[i], "<UNK>"))
        continue;
      tried++;
      parse (&a, content->pdata[i]);
      ok += roundtrip_ok (&a, &all_delex, summary->pdata[i], &s, NULL);
      slots += s;
      values += a.n;
      ce_attrs_clear (&a);
    }
  g_test_message ("shop.json: round trip exact %d/%d (of %u rows; the rest hold \"<UNK>\"), %d slots for %d "
                  "attribute values", ok, tried, content->len, slots, values);
  g_assert_cmpint (tried, >=, 350);
  g_assert_cmpint (ok, >=, tried * 98 / 100);
  g_assert_cmpint (slots, >=, values / 2);
  g_ptr_array_unref (content);
  g_ptr_array_unref (summary);
  g_free (path);
}

/* ---- fact check ---- */

static CeLexicon *
lexicon_with (const CeLexiconBuiltin *which, int n)
{
  CeLexicon *lex = ce_lexicon_new ();
  char msg[CE_MSG_SIZE];
  for (int i = 0; i < n; i++)
    if (ce_lexicon_add_builtin (lex, which[i], msg) != CE_OK)
      g_error ("built-in %d: %s", which[i], msg);
  return lex;
}

static void
assert_mention (const CeMention *m, const char *value, size_t c0, size_t c1, size_t b0, size_t b1)
{
  g_assert_cmpstr (m->value, ==, value);
  g_assert_cmpuint (m->char_start, ==, c0);
  g_assert_cmpuint (m->char_end, ==, c1);
  g_assert_cmpuint (m->byte_start, ==, b0);
  g_assert_cmpuint (m->byte_end, ==, b1);
}

static void
test_check_english (void)
{
  const CeLexiconBuiltin b[] = { CE_LEXICON_COLORS, CE_LEXICON_MATERIALS };
  CeLexicon *lex = lexicon_with (b, 2);
  CeAttrs a;
  CeCheck c;
  char msg[CE_MSG_SIZE];
  parse (&a, "Colour[Blue], Material[Linen], Type[shirt]");
  ce_check_init (&c);
  const char *text = "A red linen Shirt, cotton-soft.";
  g_assert_cmpint (ce_fact_check (lex, &a, text, -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_values, ==, 3);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  assert_mention (&c.mentioned[0], "Linen", 6, 11, 6, 11);
  g_assert_cmpint (c.mentioned[0].attr, ==, ce_attrs_find (&a, "Material"));
  assert_mention (&c.mentioned[1], "shirt", 12, 17, 12, 17);
  g_assert_cmpint (c.n_invented, ==, 2);
  assert_mention (&c.invented[0], "red", 2, 5, 2, 5);
  g_assert_cmpstr (c.invented[0].key, ==, "color");
  g_assert_cmpint (c.invented[0].attr, ==, -1);
  assert_mention (&c.invented[1], "cotton", 19, 25, 19, 25);
  g_assert_cmpint (c.n_missing, ==, 1);
  g_assert_cmpint (c.missing[0], ==, ce_attrs_find (&a, "Colour"));
  g_assert_cmpfloat_with_epsilon (ce_check_slot_error_rate (&c), 1.0, 1e-12);   /* (1 + 2) / 3 */

  /* the same result object, a faithful text; plural and case */
  g_assert_cmpint (ce_fact_check (lex, &a, "BLUE linen shirts", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 3);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  assert_mention (&c.mentioned[2], "shirt", 11, 17, 11, 17);
  g_assert_cmpfloat (ce_check_slot_error_rate (&c), ==, 0.0);

  /* a colour when the row has no colour at all is invented (strict key) */
  CeAttrs plain;
  parse (&plain, "Type[mug]");
  g_assert_cmpint (ce_fact_check (lex, &plain, "A green mug.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 1);
  assert_mention (&c.invented[0], "green", 2, 7, 2, 7);
  /* ignored keys are not checked */
  g_assert_cmpint (ce_lexicon_set_flags (lex, "Type", CE_LEX_IGNORE, msg), ==, CE_OK);
  g_assert_cmpint (ce_fact_check (lex, &plain, "A cup.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_values, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  /* a value of separators only cannot be mentioned: not checked */
  g_assert_cmpint (ce_attrs_add (&plain, "Size", "-", msg), ==, CE_OK);
  g_assert_cmpint (ce_fact_check (lex, &plain, "A cup.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_values, ==, 0);
  g_assert_cmpint (ce_fact_check (lex, &plain, "bad \xc3", -1, &c, msg), ==, CE_ERR_FORMAT);
  g_assert_nonnull (strstr (msg, "byte 4"));
  ce_attrs_clear (&plain);
  ce_attrs_clear (&a);
  ce_check_clear (&c);
  ce_lexicon_free (lex);
}

/* The two slot error figures on hand-made texts. E2E convention: values
 * left out, wrong or added, over the row's values. Ad copy convention (the
 * shop target): only wrong or invented values are errors; values left out
 * are the coverage beside it. The row's values are read through the
 * lexicon's canonical forms, so a right value in another wording is right. */
static void
test_check_rates (void)
{
  const CeLexiconBuiltin b[] = { CE_LEXICON_COLORS, CE_LEXICON_MATERIALS, CE_LEXICON_ADVERTISEGEN };
  CeLexicon *lex = lexicon_with (b, 3);
  CeAttrs a, cotton, grey;
  CeCheck c;
  CeSlotErrors acc = { 0 };
  char msg[CE_MSG_SIZE];
  const struct { const char *text; int missing, invented; } cases[] = {
    { "这款蓝色蕾丝连衣裙", 1, 0 },            /* 刺绣 left out */
    { "红色蕾丝半身裙，刺绣点缀", 1, 1 },      /* 红色 is wrong, so 蓝色 is missing */
    { "蕾丝", 3, 0 },                          /* short: names one value, rightly */
  };

  parse (&a, "类型#裙*颜色#蓝色*材质#蕾丝*图案#刺绣");
  ce_check_init (&c);
  g_assert_cmpfloat (ce_slot_errors_rate (&acc), ==, 0.0);
  g_assert_cmpfloat (ce_slot_errors_invented_rate (&acc), ==, 0.0);
  g_assert_cmpfloat (ce_slot_errors_texts_invented_rate (&acc), ==, 0.0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (ce_fact_check (lex, &a, cases[i].text, -1, &c, msg), ==, CE_OK);
      g_assert_cmpint (c.n_values, ==, 4);
      g_assert_cmpint (c.n_missing, ==, cases[i].missing);
      g_assert_cmpint (c.n_invented, ==, cases[i].invented);
      ce_slot_errors_add (&acc, &c);
    }
  g_assert_cmpint (acc.values, ==, 12);
  g_assert_cmpint (acc.texts, ==, 3);
  g_assert_cmpint (acc.texts_invented, ==, 1);
  g_assert_cmpfloat_with_epsilon (ce_slot_errors_rate (&acc), 6.0 / 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ce_slot_errors_invented_rate (&acc), 1.0 / 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ce_slot_errors_missing_rate (&acc), 5.0 / 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ce_slot_errors_texts_invented_rate (&acc), 1.0 / 3.0, 1e-12);

  /* Canonical forms: the row says 纯棉, the text 全棉 (both cotton). */
  parse (&cotton, "类型#上衣*材质#纯棉");
  g_assert_cmpint (ce_fact_check (lex, &cotton, "全棉衬衫", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  /* Spelling variants and one language for the row, another for the text. */
  parse (&grey, "color[gray], material[lace]");
  g_assert_cmpint (ce_fact_check (lex, &grey, "A grey lace dress.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  g_assert_cmpint (ce_fact_check (lex, &grey, "灰色蕾丝连衣裙", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  g_assert_cmpint (ce_fact_check (lex, &grey, "黑色蕾丝连衣裙", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 1);
  g_assert_cmpint (c.n_missing, ==, 1);

  ce_check_clear (&c);
  ce_attrs_clear (&a);
  ce_attrs_clear (&cotton);
  ce_attrs_clear (&grey);
  ce_lexicon_free (lex);
}

static void
test_check_cjk (void)
{
  const CeLexiconBuiltin b[] = { CE_LEXICON_COLORS, CE_LEXICON_MATERIALS };
  CeLexicon *lex = lexicon_with (b, 2);
  CeAttrs a;
  CeCheck c;
  char msg[CE_MSG_SIZE];
  parse (&a, "类型#上衣*颜色#白色*材质#牛仔布");
  ce_check_init (&c);
  const char *text = "这款黑色牛仔外套，白色的衣身";
  g_assert_cmpint (ce_fact_check (lex, &a, text, -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_values, ==, 3);
  g_assert_cmpint (c.n_invented, ==, 1);
  assert_mention (&c.invented[0], "黑色", 2, 4, 6, 12);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  assert_mention (&c.mentioned[0], "牛仔布", 4, 6, 12, 18);   /* "牛仔" realises 牛仔布 */
  assert_mention (&c.mentioned[1], "白色", 9, 11, 27, 33);
  g_assert_cmpint (c.n_missing, ==, 1);
  g_assert_cmpstr (a.items[c.missing[0]].key, ==, "类型");
  /* a value inside another mention, or inside a compound that says nothing
   * about the row, is mentioned too (in text order) */
  CeAttrs skirt;
  parse (&skirt, "类型#裙*裙型#A字裙");
  g_assert_cmpint (ce_lexicon_add (lex, "裙长", "半身裙", NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_fact_check (lex, &skirt, "这款A字裙很美", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  assert_mention (&c.mentioned[0], "A字裙", 2, 5, 6, 13);
  assert_mention (&c.mentioned[1], "裙", 4, 5, 10, 13);
  g_assert_cmpint (c.n_missing, ==, 0);
  g_assert_cmpint (ce_fact_check (lex, &skirt, "半身裙", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 1);
  assert_mention (&c.mentioned[0], "裙", 2, 3, 6, 9);
  g_assert_cmpint (c.n_invented, ==, 0);
  ce_attrs_clear (&skirt);
  /* one span may realise several row values */
  CeAttrs coat;
  parse (&coat, "类型#上衣*衣样式#外套");
  g_assert_cmpint (ce_lexicon_add (lex, "衣样式", "外套", NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_lexicon_add (lex, "类型", "上衣", "外套", msg), ==, CE_OK);
  g_assert_cmpint (ce_fact_check (lex, &coat, "这件外套", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  g_assert_cmpint (c.n_missing, ==, 0);
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpuint (c.mentioned[i].char_start, ==, 2);
      g_assert_cmpuint (c.mentioned[i].char_end, ==, 4);
    }
  ce_attrs_clear (&coat);
  /* what the product is paired with is no claim about it */
  CeAttrs top;
  parse (&top, "类型#上衣*颜色#白色");
  g_assert_cmpint (ce_fact_check (lex, &top, "白色上衣，搭配黑色裤子", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (ce_fact_check (lex, &top, "黑色上衣，白色领口", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 1);
  assert_mention (&c.invented[0], "黑色", 0, 2, 0, 6);
  ce_attrs_clear (&top);
  /* synonyms of silk; a soft key's values are never invented */
  CeAttrs silk;
  parse (&silk, "材质#蚕丝*风格#简约");
  g_assert_cmpint (ce_lexicon_add (lex, "风格", "青春", NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_fact_check (lex, &silk, "简约的真丝衬衫，青春活力", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  g_assert_cmpint (c.n_invented, ==, 1);   /* 青春: 风格 is in the row */
  g_assert_cmpint (ce_lexicon_set_flags (lex, "风格", CE_LEX_SOFT, msg), ==, CE_OK);
  g_assert_cmpint (ce_fact_check (lex, &silk, "简约的真丝衬衫，青春活力", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  ce_attrs_clear (&silk);
  /* a longer colour is one span: 米白色 is not 白色 */
  g_assert_cmpint (ce_fact_check (lex, &a, "米白色上衣", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 1);
  assert_mention (&c.invented[0], "米白色", 0, 3, 0, 9);
  g_assert_cmpint (c.n_mentioned, ==, 1);
  ce_attrs_clear (&a);
  ce_check_clear (&c);
  ce_lexicon_free (lex);
}

static void
test_check_e2e_rules (void)
{
  const CeLexiconBuiltin b[] = { CE_LEXICON_E2E };
  CeLexicon *lex = lexicon_with (b, 1);
  char msg[CE_MSG_SIZE];
  CeAttrs known;
  parse (&known, "name[The Eagle], near[Burger King]");
  g_assert_cmpint (ce_lexicon_add_attrs (lex, &known, msg), ==, CE_OK);
  ce_attrs_clear (&known);
  parse (&known, "name[Fitzbillies], near[Café Rouge]");
  g_assert_cmpint (ce_lexicon_add_attrs (lex, &known, msg), ==, CE_OK);
  ce_attrs_clear (&known);

  CeAttrs a;
  CeCheck c;
  ce_check_init (&c);
  parse (&a, "name[The Eagle], eatType[coffee shop], priceRange[cheap], customer rating[5 out of 5], "
             "area[riverside], familyFriendly[no], near[Burger King]");
  const char *good = "The Eagle is a low-priced coffee shop by the river near Burger King. It is not "
                     "family-friendly and has a rating of 5 out of 5.";
  g_assert_cmpint (ce_fact_check (lex, &a, good, -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_values, ==, 7);
  g_assert_cmpint (c.n_mentioned, ==, 7);
  g_assert_cmpint (c.n_missing, ==, 0);
  g_assert_cmpint (c.n_invented, ==, 0);
  /* "not family-friendly" is one span realising familyFriendly=no */
  const CeMention *ff = NULL;
  for (int i = 0; i < c.n_mentioned; i++)
    if (strcmp (c.mentioned[i].key, "familyFriendly") == 0)
      ff = &c.mentioned[i];
  g_assert_nonnull (ff);
  g_assert_cmpstr (ff->value, ==, "no");
  g_assert_cmpint (strncmp (good + ff->byte_start, "not family-friendly", ff->byte_end - ff->byte_start), ==, 0);
  g_assert_cmpuint (ff->byte_end - ff->byte_start, ==, strlen ("not family-friendly"));

  const char *bad = "Fitzbillies is an expensive kid friendly pub in the city centre near Café Rouge serving Italian food.";
  g_assert_cmpint (ce_fact_check (lex, &a, bad, -1, &c, msg), ==, CE_OK);
  /* invented: Fitzbillies (name), expensive (price), kid friendly, pub (eatType),
   * city centre (area), Café Rouge (near), Italian (food: strict) */
  g_assert_cmpint (c.n_invented, ==, 7);
  const char *inv_keys[] = { "name", "priceRange", "familyFriendly", "eatType", "area", "near", "food" };
  for (int i = 0; i < 7; i++)
    g_assert_cmpstr (c.invented[i].key, ==, inv_keys[i]);
  g_assert_cmpint (c.n_mentioned, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 7);
  g_assert_cmpfloat_with_epsilon (ce_check_slot_error_rate (&c), 2.0, 1e-12);
  CeSlotErrors acc = { 0 };
  ce_slot_errors_add (&acc, &c);
  g_assert_cmpint (ce_fact_check (lex, &a, good, -1, &c, msg), ==, CE_OK);
  ce_slot_errors_add (&acc, &c);
  g_assert_cmpint (acc.values, ==, 14);
  g_assert_cmpfloat_with_epsilon (ce_slot_errors_rate (&acc), 14.0 / 14.0, 1e-12);

  /* data values of closed keys do not add their bare, ambiguous word */
  g_assert_cmpint (ce_lexicon_add (lex, "customer rating", "high", NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_lexicon_add (lex, "priceRange", "high", NULL, msg), ==, CE_OK);
  ce_attrs_clear (&a);
  parse (&a, "priceRange[cheap], customer rating[low]");
  g_assert_cmpint (ce_fact_check (lex, &a, "Cheap, with a low rating, and high ceilings.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  g_assert_cmpint (c.n_invented, ==, 0);
  /* …but a new value of a closed key is its own surface */
  g_assert_cmpint (ce_lexicon_add (lex, "priceRange", "£30-40", NULL, msg), ==, CE_OK);
  g_assert_cmpint (ce_fact_check (lex, &a, "Cheap at £30-40, low rating.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 1);
  g_assert_cmpstr (c.invented[0].value, ==, "£30-40");

  /* negation: a negated yes realises no; another negated value is no claim */
  ce_attrs_clear (&a);
  parse (&a, "familyFriendly[no], area[riverside]");
  g_assert_cmpint (ce_fact_check (lex, &a, "By the river; it is not very kid friendly, and not in the city centre.", -1,
                                  &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 2);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  ce_attrs_clear (&a);
  parse (&a, "familyFriendly[yes]");
  g_assert_cmpint (ce_fact_check (lex, &a, "Kid friendly? No, children friendly it is not. It isn't really family friendly.", -1,
                                  &c, msg), ==, CE_OK);
  /* "Kid friendly" and "children friendly" (the clause starts after ",") are
   * mentions; "isn't really family friendly" is an invented "no" */
  g_assert_cmpint (c.n_mentioned, ==, 2);
  g_assert_cmpint (c.n_invented, ==, 1);
  g_assert_cmpstr (c.invented[0].value, ==, "no");
  /* a place relative to a value is no claim of it */
  ce_attrs_clear (&a);
  parse (&a, "area[riverside]");
  g_assert_cmpint (ce_fact_check (lex, &a, "On the river, north of the city centre.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 1);
  g_assert_cmpint (c.n_invented, ==, 0);
  g_assert_cmpint (ce_fact_check (lex, &a, "On the river, in the city centre.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_invented, ==, 1);

  /* a Latin name is no claim: "Raja Indian Cuisine" does not mention food */
  g_assert_cmpint (ce_lexicon_add (lex, "near", "Raja Indian Cuisine", NULL, msg), ==, CE_OK);
  ce_attrs_clear (&a);
  parse (&a, "name[The Eagle], food[Indian]");
  g_assert_cmpint (ce_fact_check (lex, &a, "The Eagle is near Raja Indian Cuisine.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 1);
  g_assert_cmpint (c.n_missing, ==, 1);
  g_assert_cmpint (c.n_invented, ==, 0);

  /* synonyms: "cheap" realises "less than £20"; high rating realises 5 out of 5 */
  ce_attrs_clear (&a);
  parse (&a, "name[The Eagle], priceRange[less than £20], customer rating[high]");
  g_assert_cmpint (ce_fact_check (lex, &a, "The Eagle is cheap and highly rated.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_mentioned, ==, 3);
  g_assert_cmpint (c.n_invented + c.n_missing, ==, 0);
  ce_attrs_clear (&a);
  ce_check_clear (&c);
  ce_lexicon_free (lex);
}

static void
test_check_lexicon_errors (void)
{
  CeLexicon *lex = ce_lexicon_new ();
  char msg[CE_MSG_SIZE];
  g_assert_cmpint (ce_lexicon_add (lex, "", "x", NULL, msg), ==, CE_ERR_INVALID_ARG);
  g_assert_cmpint (ce_lexicon_add (lex, "k", "\xff", NULL, msg), ==, CE_ERR_FORMAT);
  g_assert_cmpint (ce_lexicon_add (lex, "k", "v", " - ", msg), ==, CE_ERR_INVALID_ARG);
  g_assert_cmpint (ce_lexicon_add (lex, "colour", "red", NULL, msg), ==, CE_OK);
  /* an alias after data for that key would split it: refused */
  g_assert_cmpint (ce_lexicon_add_alias (lex, "colour", "color", msg), ==, CE_ERR_INVALID_ARG);
  g_assert_nonnull (strstr (msg, "add aliases before data"));
  g_assert_cmpint (ce_lexicon_add_builtin (lex, (CeLexiconBuiltin) 7, msg), ==, CE_ERR_INVALID_ARG);
  g_assert_cmpint (ce_lexicon_add_builtin (lex, (CeLexiconBuiltin) -1, msg), ==, CE_ERR_INVALID_ARG);
  ce_lexicon_free (lex);
}

/* The checker on the E2E dev references: humans omit and paraphrase, so
 * their slot error rate is not 0. The lexicon is built from the training
 * MRs only. */
static void
test_check_e2e_dev_refs (void)
{
  char *train = text_data_path ("e2e/trainset.csv");
  if (!train)
    return;
  char *dev = text_data_path ("e2e/devset.csv");
  if (!dev)
    {
      g_free (train);
      return;
    }
  const CeLexiconBuiltin b[] = { CE_LEXICON_E2E };
  CeLexicon *lex = lexicon_with (b, 1);
  char msg[CE_MSG_SIZE];
  GPtrArray *rows = text_data_read_csv (train);
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint r = 1; r < rows->len; r++)
    {
      char **row = rows->pdata[r];
      if (!g_hash_table_add (seen, row[0]))
        continue;
      CeAttrs a;
      parse (&a, row[0]);
      g_assert_cmpint (ce_lexicon_add_attrs (lex, &a, msg), ==, CE_OK);
      ce_attrs_clear (&a);
    }
  g_hash_table_unref (seen);
  GPtrArray *drows = text_data_read_csv (dev);
  CeSlotErrors acc = { 0 };
  CeCheck c;
  ce_check_init (&c);
  long by_key_missing[16] = { 0 }, by_key_invented[16] = { 0 };
  const char *keys[] = { "name", "eatType", "food", "priceRange", "customer rating", "area", "familyFriendly", "near" };
  gint64 t0 = g_get_monotonic_time ();
  for (guint r = 1; r < drows->len; r++)
    {
      char **row = drows->pdata[r];
      CeAttrs a;
      parse (&a, row[0]);
      g_assert_cmpint (ce_fact_check (lex, &a, row[1], -1, &c, msg), ==, CE_OK);
      ce_slot_errors_add (&acc, &c);
      for (int k = 0; k < 8; k++)
        {
          for (int i = 0; i < c.n_missing; i++)
            by_key_missing[k] += strcmp (a.items[c.missing[i]].key, keys[k]) == 0;
          for (int i = 0; i < c.n_invented; i++)
            by_key_invented[k] += strcmp (c.invented[i].key, keys[k]) == 0;
        }
      ce_attrs_clear (&a);
    }
  gint64 t1 = g_get_monotonic_time ();
  double ser = ce_slot_errors_rate (&acc);
  g_test_message ("E2E dev references (%u): %ld values, %ld missing, %ld invented, SER %.4f; %.1f us per check",
                  drows->len - 1, acc.values, acc.missing, acc.invented, ser,
                  (double) (t1 - t0) / (drows->len - 1));
  for (int k = 0; k < 8; k++)
    g_test_message ("  %-16s missing %ld, invented %ld", keys[k], by_key_missing[k], by_key_invented[k]);
  g_assert_cmpint (acc.values, >, 4000 * 5);
  /* human references are not perfect, and the checker is not a parser:
   * the rate is well above 0 and well below what a random text scores */
  g_assert_cmpfloat (ser, >, 0.005);
  g_assert_cmpfloat (ser, <, 0.15);
  /* a shuffled pairing (each ref checked against the next MR) scores far worse */
  CeSlotErrors shuffled = { 0 };
  for (guint r = 1; r + 1 < drows->len; r += 7)
    {
      char **row = drows->pdata[r], **next = drows->pdata[r + 1];
      if (strcmp (row[0], next[0]) == 0)
        continue;
      CeAttrs a;
      parse (&a, next[0]);
      g_assert_cmpint (ce_fact_check (lex, &a, row[1], -1, &c, msg), ==, CE_OK);
      ce_slot_errors_add (&shuffled, &c);
      ce_attrs_clear (&a);
    }
  g_test_message ("E2E dev references against another MR: SER %.4f", ce_slot_errors_rate (&shuffled));
  g_assert_cmpfloat (ce_slot_errors_rate (&shuffled), >, 3 * ser);
  ce_check_clear (&c);
  g_ptr_array_unref (rows);
  g_ptr_array_unref (drows);
  ce_lexicon_free (lex);
  g_free (train);
  g_free (dev);
}

static void
test_check_shop_refs (void)
{
  char *path = text_data_path ("advertisegen/shop.json");
  if (!path)
    return;
  GPtrArray *content, *summary;
  text_data_read_shop (path, &content, &summary);
  const CeLexiconBuiltin b[] = { CE_LEXICON_COLORS, CE_LEXICON_MATERIALS };
  CeLexicon *lex = lexicon_with (b, 2);
  char msg[CE_MSG_SIZE];
  for (guint i = 0; i < content->len; i++)
    {
      CeAttrs a;
      parse (&a, content->pdata[i]);
      g_assert_cmpint (ce_lexicon_add_attrs (lex, &a, msg), ==, CE_OK);
      ce_attrs_clear (&a);
    }
  /* with and without the AdvertiseGen category realisations */
  const CeLexiconBuiltin b2[] = { CE_LEXICON_COLORS, CE_LEXICON_MATERIALS, CE_LEXICON_ADVERTISEGEN };
  CeLexicon *lex2 = lexicon_with (b2, 3);
  for (guint i = 0; i < content->len; i++)
    {
      CeAttrs a;
      parse (&a, content->pdata[i]);
      g_assert_cmpint (ce_lexicon_add_attrs (lex2, &a, msg), ==, CE_OK);
      ce_attrs_clear (&a);
    }
  CeSlotErrors acc = { 0 }, acc2 = { 0 };
  CeCheck c;
  ce_check_init (&c);
  for (guint i = 0; i < content->len; i++)
    {
      CeAttrs a;
      parse (&a, content->pdata[i]);
      g_assert_cmpint (ce_fact_check (lex, &a, summary->pdata[i], -1, &c, msg), ==, CE_OK);
      ce_slot_errors_add (&acc, &c);
      g_assert_cmpint (ce_fact_check (lex2, &a, summary->pdata[i], -1, &c, msg), ==, CE_OK);
      ce_slot_errors_add (&acc2, &c);
      ce_attrs_clear (&a);
    }
  g_test_message ("shop.json references (%u), colours + materials: %ld values, %ld missing, %ld invented, SER %.4f",
                  content->len, acc.values, acc.missing, acc.invented, ce_slot_errors_rate (&acc));
  g_test_message ("shop.json references, + AdvertiseGen categories: %ld missing, %ld invented, SER %.4f",
                  acc2.missing, acc2.invented, ce_slot_errors_rate (&acc2));
  g_assert_cmpfloat (ce_slot_errors_rate (&acc), >, 0.0);
  g_assert_cmpfloat (ce_slot_errors_rate (&acc), <, 0.5);
  g_assert_cmpint (acc2.missing, <, acc.missing);
  g_assert_cmpfloat (ce_slot_errors_rate (&acc2), <, ce_slot_errors_rate (&acc));
  ce_check_clear (&c);
  ce_lexicon_free (lex);
  ce_lexicon_free (lex2);
  g_ptr_array_unref (content);
  g_ptr_array_unref (summary);
  g_free (path);
}

/* Random strings (valid and broken UTF-8, brackets, slots, CJK, spaces)
 * through every text function: no crash, no leak (ASan), invariants hold. */
/* Found by tests/fuzz/fuzz-text (corpus/text/crash-empty-row): the first
 * check of a row without attributes wrote its value index through a NULL
 * pointer (the scratch arrays grew only for rows with attributes). */
static void
test_check_empty_row (void)
{
  const CeLexiconBuiltin b[] = { CE_LEXICON_E2E, CE_LEXICON_COLORS };
  CeLexicon *lex = lexicon_with (b, 2);
  CeAttrs empty;
  CeCheck c;
  char msg[CE_MSG_SIZE];

  ce_attrs_init (&empty);
  ce_check_init (&c);
  g_assert_cmpint (ce_attrs_parse (&empty, "", CE_ATTRS_AUTO, msg), ==, CE_OK);
  g_assert_cmpint (empty.n, ==, 0);
  g_assert_cmpint (ce_fact_check (lex, &empty, "A blue shirt in the city centre.", -1, &c, msg), ==, CE_OK);
  g_assert_cmpint (c.n_values, ==, 0);
  g_assert_cmpint (c.n_missing, ==, 0);
  g_assert_cmpint (c.n_mentioned, ==, 0);
  /* strict keys (colour, area) the row lacks are still invented */
  g_assert_cmpint (c.n_invented, >=, 1);
  ce_check_clear (&c);
  ce_lexicon_free (lex);
}

static void
test_fuzz (void)
{
  static const char *const pieces[] = { "a", "Z", " ", "  ", "-", "'", "\"", ",", ".", "[", "]", "#", "*", "<", ">",
                                        "<name>", "_", "5", "£", "20-25", "e", "白", "色", "，", "。", "\xff", "\xe4\xb8",
                                        "\xc3\xa9", "not ", "family friendly", "near", "\t", "\n", "|", "、" };
  GRand *rng = g_rand_new_with_seed (20261128);
  const CeLexiconBuiltin b[] = { CE_LEXICON_E2E, CE_LEXICON_COLORS, CE_LEXICON_MATERIALS, CE_LEXICON_ADVERTISEGEN };
  CeLexicon *lex = lexicon_with (b, 4);
  CeTokens t;
  CeCheck c;
  ce_tokens_init (&t);
  ce_check_init (&c);
  char msg[CE_MSG_SIZE];
  for (int iter = 0; iter < 3000; iter++)
    {
      GString *str = g_string_new (NULL);
      int n = g_rand_int_range (rng, 0, 24);
      for (int i = 0; i < n; i++)
        g_string_append (str, pieces[g_rand_int_range (rng, 0, G_N_ELEMENTS (pieces))]);
      gboolean valid = ce_utf8_valid (str->str, str->len, NULL);
      CeStatus st = ce_tokenize (str->str, -1, CE_TOKENIZE_SLOTS | (iter % 2 ? CE_TOKENIZE_LOWER : 0), &t, msg);
      g_assert_cmpint (st, ==, valid ? CE_OK : CE_ERR_FORMAT);
      size_t last_end = 0;
      for (int k = 0; valid && k < t.n; k++)
        {
          g_assert_cmpuint (t.info[k].byte_start, >=, last_end);
          g_assert_cmpuint (t.info[k].byte_end, >, t.info[k].byte_start);
          g_assert_cmpuint (t.info[k].byte_end, <=, str->len);
          g_assert_cmpuint (t.info[k].char_end, >, t.info[k].char_start);
          g_assert_cmpuint (strlen (t.text[k]), >, 0);
          last_end = t.info[k].byte_end;
        }
      if (valid)
        {
          char *d = ce_detokenize (t.text, t.n);
          g_assert_nonnull (d);
          g_assert_true (ce_utf8_valid (d, strlen (d), NULL));
          free (d);
        }
      CeAttrs a;
      ce_attrs_init (&a);
      st = ce_attrs_parse (&a, str->str, iter % 3 == 0 ? CE_ATTRS_HASH : CE_ATTRS_AUTO, msg);
      g_assert_true (st == CE_OK || st == CE_ERR_FORMAT);
      if (st != CE_OK)
        g_assert_cmpuint (strlen (msg), >, 0);
      if (a.n == 0)
        ce_attrs_add (&a, "name", "white", msg);
      char *delexed = ce_delexicalise (&a, &all_delex, str->str, NULL, &st, msg);
      g_assert_true (valid ? delexed != NULL : st == CE_ERR_FORMAT);
      if (delexed && ce_tokenize (delexed, -1, CE_TOKENIZE_SLOTS, &t, msg) == CE_OK)
        {
          CeRelexReport rep;
          char *back = ce_relexicalise (&a, t.text, t.n, &rep, &st, msg);
          g_assert_nonnull (back);
          g_assert_cmpint (rep.n_unknown, >=, 0);
          free (back);
        }
      free (delexed);
      st = ce_fact_check (lex, &a, str->str, -1, &c, msg);
      g_assert_cmpint (st, ==, valid ? CE_OK : CE_ERR_FORMAT);
      if (valid)
        {
          g_assert_cmpint (c.n_missing + (c.n_values - c.n_missing), ==, c.n_values);
          for (int k = 0; k < c.n_mentioned; k++)
            {
              g_assert_cmpuint (c.mentioned[k].byte_end, <=, str->len);
              g_assert_cmpuint (c.mentioned[k].byte_start, <, c.mentioned[k].byte_end);
              if (k > 0)
                g_assert_cmpuint (c.mentioned[k - 1].byte_start, <=, c.mentioned[k].byte_start);
            }
          for (int k = 0; k < c.n_invented; k++)
            g_assert_cmpuint (c.invented[k].byte_end, <=, str->len);
          const char *outs[] = { str->str };
          const char *refs[] = { "the pub is near the river", str->str };
          CeRefSet rs = { 2, refs };
          double v;
          g_assert_cmpint (ce_bleu_corpus (1, outs, &rs, CE_METRIC_WORDS, &v, msg), ==, CE_OK);
          g_assert_cmpfloat (v, >=, 0.0);
          g_assert_cmpfloat (v, <=, 1.0 + 1e-12);
          g_assert_cmpint (ce_bleu_sentence (str->str, &rs, CE_METRIC_CHARS, &v, msg), ==, CE_OK);
          g_assert_cmpint (ce_rouge_l (1, outs, &rs, CE_METRIC_WORDS, 1.2, &v, msg), ==, CE_OK);
          g_assert_cmpint (ce_distinct (1, outs, CE_METRIC_CHARS, 2, &v, msg), ==, CE_OK);
        }
      ce_attrs_clear (&a);
      g_string_free (str, TRUE);
    }
  ce_check_clear (&c);
  ce_tokens_clear (&t);
  ce_lexicon_free (lex);
  g_rand_free (rng);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/slots/delex/basic", test_delex_basic);
  g_test_add_func ("/engine/slots/relex/unseen-value", test_relex_unseen_value);
  g_test_add_func ("/engine/slots/relex/leak", test_relex_leak);
  g_test_add_func ("/engine/slots/unfillable", test_unfillable_slots);
  g_test_add_func ("/engine/slots/roundtrip/e2e", test_roundtrip_e2e);
  g_test_add_func ("/engine/slots/roundtrip/shop", test_roundtrip_shop);
  g_test_add_func ("/engine/slots/check/english", test_check_english);
  g_test_add_func ("/engine/slots/check/cjk", test_check_cjk);
  g_test_add_func ("/engine/slots/check/rates", test_check_rates);
  g_test_add_func ("/engine/slots/check/e2e-rules", test_check_e2e_rules);
  g_test_add_func ("/engine/slots/check/lexicon-errors", test_check_lexicon_errors);
  g_test_add_func ("/engine/slots/check/e2e-dev-refs", test_check_e2e_dev_refs);
  g_test_add_func ("/engine/slots/check/shop-refs", test_check_shop_refs);
  g_test_add_func ("/engine/slots/check/empty-row", test_check_empty_row);
  g_test_add_func ("/engine/slots/fuzz", test_fuzz);
  return g_test_run ();
}
