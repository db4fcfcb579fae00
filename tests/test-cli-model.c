/* test-cli-model.c — copyist-cli train, generate and eval on data files,
 * as a user runs them, including the bad inputs a user brings. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "test-util.h"
#include "engine.h"

typedef struct {
  char *dir;
  char *train_csv;
  char *model;
} Fixture;

static const char *colors[] = { "red", "blue", "green", "black" };
static const char *materials[] = { "cotton", "linen", "wool" };

static void
write_file (const char *path, const char *contents, gssize len)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (g_file_set_contents (path, contents, len, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) csv = g_string_new ("attributes,text\n");

  f->dir = g_dir_make_tmp ("copyist-cli-model-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  for (int i = 0; i < 48; i++)
    {
      const char *c = colors[i % 4], *m = materials[(i / 4) % 3];
      g_string_append_printf (csv, "\"name[Item %d], color[%s], material[%s]\",\"The Item %d comes in %s and is made of %s.\"\n",
                              i, c, m, i, c, m);
    }
  f->train_csv = g_build_filename (f->dir, "train.csv", NULL);
  write_file (f->train_csv, csv->str, -1);
  f->model = g_build_filename (f->dir, "m.cpmodel", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  copyist_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->train_csv);
  g_free (f->model);
}

static void
train_small (Fixture *f)
{
  const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                         "--model", "vae", "--out", f->model, "--epochs", "30", "--hidden", "32", "--emb", "16",
                         "--latent", "4", "--batch", "8", "--lr", "0.01", "--threads", "1", "--quiet", NULL };
  CliRun r = copyist_test_run_cli (argv);

  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "epoch 1 done"));
  g_assert_nonnull (strstr (r.out, "delexicalised: color material name"));
  g_assert_true (g_file_test (f->model, G_FILE_TEST_IS_REGULAR));
  copyist_test_cli_run_clear (&r);
}

static void
test_train_generate_eval (Fixture *f, gconstpointer data)
{
  g_autofree char *dev = g_build_filename (f->dir, "dev.csv", NULL);
  g_autofree char *out = g_build_filename (f->dir, "out.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  CliRun r;

  train_small (f);
  /* Names never seen in training; two references for the first product. */
  write_file (dev,
              "attributes,text\n"
              "\"name[Item 900], color[green], material[wool]\",\"The Item 900 comes in green and is made of wool.\"\n"
              "\"name[Item 900], color[green], material[wool]\",\"Item 900: green wool.\"\n"
              "\"name[Item 901], color[red], material[linen]\",\"The Item 901 comes in red and is made of linen.\"\n",
              -1);
  {
    const char *argv[] = { "generate", "--model", f->model, "--data", dev, "--attributes", "attributes",
                           "--unique", "--beam", "3", "--out", out, NULL };
    r = copyist_test_run_cli (argv);
    g_assert_cmpint (r.status, ==, 0);
    copyist_test_cli_run_clear (&r);
  }
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);   /* two products and the final empty string */
  for (int i = 0; i < 2; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (cols), ==, 2);
      g_assert_true (g_str_has_prefix (cols[0], "name[Item 90"));
      g_assert_null (strchr (cols[1], '<'));
      /* The unseen name is copied through its slot. */
      g_assert_nonnull (strstr (cols[1], i == 0 ? "Item 900" : "Item 901"));
    }
  /* --int8 decodes with the int8 copy of the weights: on this confident
   * model the texts are the same (every CPU computes the same int8 sums) */
  {
    g_autofree char *out8 = g_build_filename (f->dir, "out8.tsv", NULL);
    g_autofree char *contents8 = NULL;
    const char *argv[] = { "generate", "--model", f->model, "--data", dev, "--attributes", "attributes",
                           "--unique", "--beam", "3", "--int8", "--out", out8, NULL };
    r = copyist_test_run_cli (argv);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpstr (r.err, ==, "");
    copyist_test_cli_run_clear (&r);
    g_assert_true (g_file_get_contents (out8, &contents8, NULL, NULL));
    g_assert_cmpstr (contents8, ==, contents);
  }

  {
    const char *argv[] = { "eval", "--model", f->model, "--data", dev, "--attributes", "attributes", "--text", "text",
                           "--self-bleu-variants", "3", NULL };
    r = copyist_test_run_cli (argv);
    g_test_message ("%s", r.out);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "products            2 (3 references)"));
    g_assert_nonnull (strstr (r.out, "BLEU-4 (corpus)"));
    g_assert_nonnull (strstr (r.out, "ROUGE-L"));
    g_assert_nonnull (strstr (r.out, "slot error rate"));
    g_assert_nonnull (strstr (r.out, "distinct-2"));
    g_assert_nonnull (strstr (r.out, "self-BLEU-4"));
    copyist_test_cli_run_clear (&r);
  }
}

/* The two slot error figures of eval, on reference texts of known errors
 * (--check-references scores the references themselves): the second
 * product's text says blue for a red item, so red is missing and blue is
 * invented. Then the training options of issue 5 run: attribute-order
 * augmentation, the GAN's encoder term weight, the hard slot constraint. */
static void
test_eval_rates_and_options (Fixture *f, gconstpointer data)
{
  g_autofree char *dev = g_build_filename (f->dir, "dev.csv", NULL);
  g_autofree char *aug = g_build_filename (f->dir, "aug.cpmodel", NULL);
  g_autofree char *gan = g_build_filename (f->dir, "gan.cpmodel", NULL);
  CliRun r;

  train_small (f);
  write_file (dev,
              "attributes,text\n"
              "\"name[Item 900], color[green], material[wool]\",\"The Item 900 comes in green and is made of wool.\"\n"
              "\"name[Item 901], color[red], material[linen]\",\"The Item 901 is blue linen.\"\n",
              -1);
  {
    const char *argv[] = { "eval", "--model", f->model, "--data", dev, "--attributes", "attributes", "--text", "text",
                           "--check-references", "--invented-values", NULL };
    r = copyist_test_run_cli (argv);
    g_test_message ("%s%s", r.out, r.err);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "slot error rate     0.3333 (6 values, 1 missing, 1 invented)"));
    g_assert_nonnull (strstr (r.out, "invented rate       0.1667 (wrong or invented values / values; 0.5000 of texts have one)"));
    g_assert_nonnull (strstr (r.out, "missing rate        0.1667 (coverage 0.8333)"));
    g_assert_nonnull (strstr (r.out, "invented values: color=blue (\"blue\") 1"));
    g_assert_nonnull (strstr (r.out, "char BLEU-4 x100    100.00"));   /* a reference against itself */
    g_assert_null (strstr (r.out, "self-BLEU"));
    copyist_test_cli_run_clear (&r);
  }
  {
    const char *argv[] = { "eval", "--model", f->model, "--data", dev, "--attributes", "attributes", "--text", "text",
                           "--require-slots", "--self-bleu-variants", "0", NULL };
    r = copyist_test_run_cli (argv);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "invented rate"));
    copyist_test_cli_run_clear (&r);
  }
  {
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--model", "vae", "--out", aug, "--epochs", "1", "--hidden", "16", "--emb", "8",
                           "--latent", "4", "--batch", "8", "--threads", "1", "--quiet", "--shuffle-copies", "2", NULL };
    r = copyist_test_run_cli (argv);
    g_test_message ("%s%s", r.out, r.err);
    g_assert_cmpint (r.status, ==, 0);
    /* the copies train, the row count is the file's */
    g_assert_nonnull (strstr (r.out, "46 training rows"));
    g_assert_true (g_file_test (aug, G_FILE_TEST_IS_REGULAR));
    copyist_test_cli_run_clear (&r);
  }
  {
    /* bfloat16 training where the processor has AMX-BF16, a clear refusal
     * (and no model file) where it has not */
    g_autofree char *bf = g_build_filename (f->dir, "bf16.cpmodel", NULL);
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--model", "vae", "--out", bf, "--epochs", "2", "--hidden", "16", "--emb", "8",
                           "--latent", "4", "--batch", "8", "--threads", "2", "--quiet",
                           "--precision", "bf16", NULL };
    r = copyist_test_run_cli (argv);
    g_test_message ("%s%s", r.out, r.err);
    if (ce_train_bf16_available ())
      {
        g_assert_cmpint (r.status, ==, 0);
        g_assert_nonnull (strstr (r.out, "done after 2 epochs"));
        g_assert_true (g_file_test (bf, G_FILE_TEST_IS_REGULAR));
      }
    else
      {
        g_assert_cmpint (r.status, ==, 1);
        g_assert_nonnull (strstr (r.err, "no AMX-BF16"));
        g_assert_false (g_file_test (bf, G_FILE_TEST_EXISTS));
      }
    copyist_test_cli_run_clear (&r);
  }
  {
    g_autofree char *bad = g_build_filename (f->dir, "fp16.cpmodel", NULL);
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--out", bad, "--epochs", "1", "--precision", "fp16", NULL };
    r = copyist_test_run_cli (argv);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "unknown --precision “fp16” (use fp32 or bf16)"));
    g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
    copyist_test_cli_run_clear (&r);
  }
  {
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--model", "gan", "--out", gan, "--epochs", "1", "--hidden", "16", "--emb", "8",
                           "--latent", "4", "--batch", "8", "--threads", "1", "--quiet",
                           "--gan-enc-weight", "0.5", NULL };
    r = copyist_test_run_cli (argv);
    g_test_message ("%s%s", r.out, r.err);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_true (g_file_test (gan, G_FILE_TEST_IS_REGULAR));
    copyist_test_cli_run_clear (&r);
  }
  {
    /* the GAN's training phases and code noise: four epochs, the first an
     * autoencoder warm-up, the last on the generator's codes */
    g_remove (gan);
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--model", "gan", "--out", gan, "--epochs", "4", "--hidden", "16", "--emb", "8",
                           "--latent", "4", "--batch", "8", "--threads", "1",
                           "--gan-code-noise", "0.3", "--gan-warmup", "0.25", "--gan-finetune", "0.25", NULL };
    r = copyist_test_run_cli (argv);
    g_test_message ("%s%s", r.out, r.err);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "done after 4 epochs"));
    g_assert_true (g_file_test (gan, G_FILE_TEST_IS_REGULAR));
    copyist_test_cli_run_clear (&r);
  }
  {
    /* shares of the budget that leave no adversarial training are refused */
    g_autofree char *never = g_build_filename (f->dir, "never-gan.cpmodel", NULL);
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--model", "gan", "--out", never, "--epochs", "1", "--threads", "1",
                           "--gan-warmup", "0.6", "--gan-finetune", "0.5", NULL };
    r = copyist_test_run_cli (argv);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "--gan-warmup and --gan-finetune"));
    g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
    copyist_test_cli_run_clear (&r);
  }
  {
    /* the same with the default warm-up (half the budget) */
    g_autofree char *never = g_build_filename (f->dir, "never-gan2.cpmodel", NULL);
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--model", "gan", "--out", never, "--epochs", "1", "--threads", "1",
                           "--gan-finetune", "0.6", NULL };
    r = copyist_test_run_cli (argv);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "--gan-warmup (0.50) and --gan-finetune (0.60) leave no adversarial training"));
    g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
    copyist_test_cli_run_clear (&r);
  }
}

/* Each bad input: exit status 1, a message naming what is wrong, no output file. */
static void
expect_failure (const char *const *argv, const char *const *needles, const char *no_file)
{
  CliRun r = copyist_test_run_cli (argv);

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 1);
  for (int i = 0; needles[i] != NULL; i++)
    if (strstr (r.err, needles[i]) == NULL)
      g_error ("expected “%s” in the message: %s", needles[i], r.err);
  g_assert_cmpuint (strlen (r.err), >, 0);
  if (no_file != NULL)
    g_assert_false (g_file_test (no_file, G_FILE_TEST_EXISTS));
  copyist_test_cli_run_clear (&r);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autofree char *out = g_build_filename (f->dir, "never.cpmodel", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);
  g_autofree char *junk_model = g_build_filename (f->dir, "junk.cpmodel", NULL);
  g_autofree char *tsv = g_build_filename (f->dir, "never.tsv", NULL);

  {
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "mr", "--text", "text", "--out", out, NULL };
    const char *needles[] = { "train.csv", "mr", "attributes, text", NULL };
    expect_failure (argv, needles, out);
  }
  {
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "ref", "--out", out, NULL };
    const char *needles[] = { "ref", NULL };
    expect_failure (argv, needles, out);
  }
  write_file (bad, "", 0);
  {
    const char *argv[] = { "train", "--data", bad, "--attributes", "attributes", "--text", "text", "--out", out, NULL };
    const char *needles[] = { "bad.csv", NULL };
    expect_failure (argv, needles, out);
  }
  write_file (bad, "attributes,text\n\"name[A], color[red]\",\"A red one.\"\n\"\",\"No attributes here.\"\n", -1);
  {
    const char *argv[] = { "train", "--data", bad, "--attributes", "attributes", "--text", "text", "--out", out, NULL };
    const char *needles[] = { "bad.csv", "line 3", "no attributes", NULL };
    expect_failure (argv, needles, out);
  }
  write_file (bad, "attributes,text\n\"name[A, color[red]\",\"Broken brackets.\"\n", -1);
  {
    const char *argv[] = { "train", "--data", bad, "--attributes", "attributes", "--text", "text", "--out", out, NULL };
    const char *needles[] = { "line 2", "attributes", NULL };
    expect_failure (argv, needles, out);
  }
  {
    g_autoptr(GString) s = g_string_new ("attributes,text\n\"name[A], color[red]\",\"");
    for (int i = 0; i < 100000; i++)
      g_string_append_c (s, 'a' + i % 26);
    g_string_append (s, "\"\n");
    write_file (bad, s->str, (gssize) s->len);
  }
  {
    const char *argv[] = { "train", "--data", bad, "--attributes", "attributes", "--text", "text", "--out", out, NULL };
    const char *needles[] = { "line 2", "100000 characters", "limit", NULL };
    expect_failure (argv, needles, out);
  }
  write_file (bad, "attributes,text\n\"name[A], color[red]\",\"caf\xe9 \xff\xfe broken\"\n", -1);
  {
    const char *argv[] = { "train", "--data", bad, "--attributes", "attributes", "--text", "text", "--out", out, NULL };
    const char *needles[] = { "bad.csv", NULL };
    CliRun r = copyist_test_run_cli (argv);
    /* Windows-1252 is a legal reading of these bytes: either it is read as
     * such, or refused with the line and byte named. Never a crash. */
    g_assert_true (r.status == 0 || r.status == 1);
    if (r.status == 1)
      g_assert_nonnull (strstr (r.err, needles[0]));
    copyist_test_cli_run_clear (&r);
    g_unlink (out);
  }
  write_file (junk_model, "CPYSTMDL but not really a model", -1);
  {
    const char *argv[] = { "generate", "--model", junk_model, "--data", f->train_csv, "--attributes", "attributes",
                           "--out", tsv, NULL };
    const char *needles[] = { "junk.cpmodel", NULL };
    expect_failure (argv, needles, tsv);
  }
  {
    const char *argv[] = { "train", "--data", f->train_csv, "--attributes", "attributes", "--text", "text",
                           "--model", "transformer", "--out", out, NULL };
    const char *needles[] = { "transformer", NULL };
    expect_failure (argv, needles, out);
  }
  {
    const char *argv[] = { "train", "--data", f->train_csv, NULL };
    const char *needles[] = { "required", NULL };
    expect_failure (argv, needles, NULL);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("COPYIST_CLI"));
  g_test_add ("/cli/model/train-generate-eval", Fixture, NULL, fixture_setup, test_train_generate_eval, fixture_teardown);
  g_test_add ("/cli/model/bad-input", Fixture, NULL, fixture_setup, test_bad_input, fixture_teardown);
  g_test_add ("/cli/model/eval-rates-and-options", Fixture, NULL, fixture_setup, test_eval_rates_and_options,
              fixture_teardown);
  return g_test_run ();
}
