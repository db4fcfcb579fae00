/* fuzz-attrs.c — the packed attribute formats (engine/ce-attrs.c) under
 * libFuzzer: E2E `key[value], key[value]`, AdvertiseGen
 * `key#value*key#value`, and WooCommerce-style value lists
 * ("Red, Blue | 红色、蓝色").
 *
 * The input's first NUL-separated piece is parsed in every format; what
 * parses is formatted back and must parse again to the same pairs, and
 * each key must give a slot token. The second and third pieces are a key
 * and a value list for ce_attrs_add_list(). Engine only: no GLib. */
#include "engine.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  return 0;
}

static void
check_pairs (const CeAttrs *a)
{
  char slot[128];
  for (int i = 0; i < a->n; i++)
    {
      const CeAttr *it = &a->items[i];
      if (it->key == NULL || it->value == NULL || it->key[0] == '\0' || it->value[0] == '\0'
          || !ce_utf8_valid (it->key, strlen (it->key), NULL) || !ce_utf8_valid (it->value, strlen (it->value), NULL))
        {
          fprintf (stderr, "pair %d is empty or not UTF-8\n", i);
          abort ();
        }
      if (i > 0 && strcmp (a->items[i - 1].key, it->key) > 0)
        {
          fprintf (stderr, "pairs not sorted by key at %d\n", i);
          abort ();
        }
      int len = ce_slot_token (it->key, it->rank, slot, sizeof slot);
      if (len >= 0 && (size_t) len != strlen (slot))
        abort ();
      if (ce_attrs_find (a, it->key) < 0)
        abort ();
    }
}

/* FORMAT's text of A parses back (in FORMAT) to the same pairs, unless a
 * key or value holds one of FORMAT's own separators (the formats have no
 * escapes; such a row came from the other format). */
static void
check_round_trip (const CeAttrs *a, CeAttrFormat format)
{
  const char *specials = format == CE_ATTRS_HASH ? "#*" : "[],";
  for (int i = 0; i < a->n; i++)
    if (strpbrk (a->items[i].key, specials) != NULL || strpbrk (a->items[i].value, specials) != NULL)
      return;

  char msg[CE_MSG_SIZE];
  char *text = ce_attrs_format (a, format);
  CeAttrs back;
  if (text == NULL)
    abort ();
  ce_attrs_init (&back);
  CeStatus st = ce_attrs_parse (&back, text, format, msg);
  if (st != CE_OK || back.n != a->n)
    {
      fprintf (stderr, "\"%s\" does not parse back (%s: %s; %d pairs, had %d)\n", text,
               ce_status_to_string (st), msg, back.n, a->n);
      abort ();
    }
  for (int i = 0; i < a->n; i++)
    if (strcmp (back.items[i].key, a->items[i].key) != 0 || strcmp (back.items[i].value, a->items[i].value) != 0
        || back.items[i].rank != a->items[i].rank)
      {
        fprintf (stderr, "\"%s\": pair %d comes back as %s=%s (was %s=%s)\n", text, i,
                 back.items[i].key, back.items[i].value, a->items[i].key, a->items[i].value);
        abort ();
      }
  ce_attrs_clear (&back);
  free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *pieces[3];
  size_t lens[3];
  int n = fuzz_split (data, size, 3, pieces, lens);
  char msg[CE_MSG_SIZE];
  static const CeAttrFormat formats[] = { CE_ATTRS_AUTO, CE_ATTRS_BRACKETS, CE_ATTRS_HASH };

  for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++)
    {
      CeAttrs a;
      ce_attrs_init (&a);
      msg[0] = '\0';
      CeStatus st = ce_attrs_parse (&a, pieces[0], formats[f], msg);
      if (st == CE_OK)
        {
          check_pairs (&a);
          check_round_trip (&a, CE_ATTRS_BRACKETS);
          check_round_trip (&a, CE_ATTRS_HASH);
          CeSource src;
          ce_source_init (&src);
          CeDelexKeys all = { 1, NULL, 0 };
          CeSourceOptions opts = { NULL, NULL, &all, 0, CE_TOKENIZE_LOWER, 0 };
          if (ce_source_build (&src, &a, &opts, msg) == CE_OK && src.n != src.strings.n)
            abort ();
          ce_source_clear (&src);
        }
      else if (msg[0] == '\0')
        {
          fprintf (stderr, "parse failed (%s) without a message\n", ce_status_to_string (st));
          abort ();
        }
      ce_attrs_clear (&a);
    }

  if (n >= 3)
    {
      CeAttrs a;
      ce_attrs_init (&a);
      if (ce_attrs_add_list (&a, pieces[1], pieces[2], msg) == CE_OK)
        check_pairs (&a);
      ce_attrs_clear (&a);
    }
  fuzz_pieces_free (pieces, n);
  return 0;
}
