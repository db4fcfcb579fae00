/* copyist-dataset.h — rows of (attributes, text) read from a data file
 *
 * The input of `copyist-cli train/generate/eval --data FILE`: a CSV or JSON
 * lines file (anything copyist_table_read() reads) with the attributes in
 * one column (`key[value], key[value]` as E2E, `key#value*key#value` as
 * AdvertiseGen) or in several columns (one attribute per column, the header
 * is the key), and optionally a text column.
 */
#pragma once

#include <gio/gio.h>

#include "engine.h"

G_BEGIN_DECLS

#define COPYIST_DATASET_ERROR (copyist_dataset_error_quark ())
GQuark copyist_dataset_error_quark (void);

typedef enum {
  COPYIST_DATASET_ERROR_COLUMN,     /* a named column does not exist */
  COPYIST_DATASET_ERROR_ATTRIBUTES, /* a row's attributes cannot be parsed or are empty */
  COPYIST_DATASET_ERROR_TEXT,       /* a text is empty or too long */
  COPYIST_DATASET_ERROR_EMPTY,      /* no usable row */
} CopyistDatasetError;

/* Longest text accepted, in characters. */
#define COPYIST_DATASET_MAX_TEXT_CHARS 20000

typedef struct {
  CeAttrs attrs;
  char *text;          /* NULL when no text column was asked for */
  guint line;          /* line/row in the file, for messages */
  char *attrs_key;     /* canonical attributes (groups references of one product) */
  char *attrs_text;    /* the attributes as the file wrote them (one column), else attrs_key */
} CopyistExample;

typedef struct {
  GPtrArray *examples; /* CopyistExample* */
  char *display_name;
} CopyistDataset;

/* Reads FILE. ATTR_COLUMNS: one column name, or several separated by ",".
 * TEXT_COLUMN may be NULL (generation). */
CopyistDataset *copyist_dataset_read (GFile *file, const char *attr_columns, const char *text_column,
                                      GCancellable *cancellable, GError **error);
void            copyist_dataset_free (CopyistDataset *ds);

/* The examples as engine examples (pointers into DS). */
CeCopyExample  *copyist_dataset_engine_examples (CopyistDataset *ds);

/* Splits DS into training and held-out examples by attribute set
 * (deterministic in SEED): about FRACTION of the distinct attribute sets,
 * at most MAX_GROUPS, go to HELDOUT. Arrays of CopyistExample* owned by DS. */
void            copyist_dataset_split (CopyistDataset *ds, double fraction, guint max_groups, guint64 seed,
                                       GPtrArray **train /* OUT */, GPtrArray **heldout /* OUT */);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CopyistDataset, copyist_dataset_free)

G_END_DECLS
