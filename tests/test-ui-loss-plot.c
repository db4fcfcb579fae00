/* test-ui-loss-plot.c — the training page's cairo loss plot */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>

#include "copyist-loss-plot.h"

#define W 480
#define H 300

static GtkWidget *
plot_new (void)
{
  return g_object_ref_sink (copyist_loss_plot_new ());
}

/* Renders on white and counts the pixels within a small distance of COLOR,
 * optionally only inside the rectangle [x0, x1) × [y0, y1). */
static guint
count_color (CopyistLossPlot *plot, const GdkRGBA *color, int x0, int y0, int x1, int y1)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);
  const GdkRGBA black = { 0, 0, 0, 1 };
  guint n = 0;
  unsigned char *data;
  int stride;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  copyist_loss_plot_render (plot, cr, W, H, &black);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 px = *(guint32 *) (data + y * stride + 4 * x);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
        if (abs (r - (int) lround (color->red * 255)) < 24 &&
            abs (g - (int) lround (color->green * 255)) < 24 &&
            abs (b - (int) lround (color->blue * 255)) < 24)
          n++;
      }
  cairo_surface_destroy (surface);
  return n;
}

static void
test_points_and_range (void)
{
  g_autoptr(GtkWidget) widget = plot_new ();
  CopyistLossPlot *plot = COPYIST_LOSS_PLOT (widget);
  double x0, x1, y0, y1;
  guint rec, bleu;

  g_assert_false (copyist_loss_plot_get_range (plot, COPYIST_LOSS_PLOT_AXIS_LEFT, &x0, &x1, &y0, &y1));
  rec = copyist_loss_plot_add_series (plot, "reconstruction", COPYIST_LOSS_PLOT_AXIS_LEFT);
  bleu = copyist_loss_plot_add_series (plot, "BLEU", COPYIST_LOSS_PLOT_AXIS_RIGHT);
  g_assert_cmpuint (rec, ==, 0);
  g_assert_cmpuint (bleu, ==, 1);
  g_assert_cmpuint (copyist_loss_plot_get_n_series (plot), ==, 2);

  for (int i = 0; i <= 40; i++)
    g_assert_true (copyist_loss_plot_add_point (plot, rec, i / 10.0, 6.3 * exp (-i / 15.0)));
  g_assert_true (copyist_loss_plot_add_point (plot, bleu, 1, 0.12));
  g_assert_true (copyist_loss_plot_add_point (plot, bleu, 2, 0.31));

  /* Bad points are refused and leave the series as it was. */
  g_assert_false (copyist_loss_plot_add_point (plot, rec, 5, NAN));
  g_assert_false (copyist_loss_plot_add_point (plot, rec, INFINITY, 1));
  g_assert_false (copyist_loss_plot_add_point (plot, rec, 1.0, 1)); /* x went back */
  g_assert_false (copyist_loss_plot_add_point (plot, 7, 5, 1));      /* no such series */
  g_assert_cmpuint (copyist_loss_plot_get_n_points (plot, rec), ==, 41);
  g_assert_cmpuint (copyist_loss_plot_get_n_points (plot, bleu), ==, 2);
  g_assert_cmpuint (copyist_loss_plot_get_n_points (plot, 7), ==, 0);

  /* Left axis: from 0 up to a round value at or above the largest loss. */
  g_assert_true (copyist_loss_plot_get_range (plot, COPYIST_LOSS_PLOT_AXIS_LEFT, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x0, ==, 0.0);
  g_assert_cmpfloat (x1, ==, 4.0);
  g_assert_cmpfloat (y0, ==, 0.0);
  g_assert_cmpfloat (y1, >=, 6.3);
  g_assert_cmpfloat (y1, <=, 8.0);
  /* Right axis: BLEU only. */
  g_assert_true (copyist_loss_plot_get_range (plot, COPYIST_LOSS_PLOT_AXIS_RIGHT, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (y0, ==, 0.0);
  g_assert_cmpfloat (y1, >=, 0.31);
  g_assert_cmpfloat (y1, <=, 0.5);

  copyist_loss_plot_clear (plot);
  g_assert_cmpuint (copyist_loss_plot_get_n_series (plot), ==, 2);
  g_assert_cmpuint (copyist_loss_plot_get_n_points (plot, rec), ==, 0);
  g_assert_true (copyist_loss_plot_add_point (plot, rec, 0.5, 2.0)); /* x may restart after clear */
  copyist_loss_plot_reset (plot);
  g_assert_cmpuint (copyist_loss_plot_get_n_series (plot), ==, 0);
}

static void
test_negative_values (void)
{
  g_autoptr(GtkWidget) widget = plot_new ();
  CopyistLossPlot *plot = COPYIST_LOSS_PLOT (widget);
  guint critic = copyist_loss_plot_add_series (plot, "critic", COPYIST_LOSS_PLOT_AXIS_LEFT);
  double x0, x1, y0, y1;

  copyist_loss_plot_add_point (plot, critic, 0, -0.8);
  copyist_loss_plot_add_point (plot, critic, 1, 0.3);
  g_assert_true (copyist_loss_plot_get_range (plot, COPYIST_LOSS_PLOT_AXIS_LEFT, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (y0, <=, -0.8);
  g_assert_cmpfloat (y0, >=, -1.0);
  g_assert_cmpfloat (y1, >=, 0.3);
}

static void
test_decimation (void)
{
  g_autoptr(GtkWidget) widget = plot_new ();
  CopyistLossPlot *plot = COPYIST_LOSS_PLOT (widget);
  guint s = copyist_loss_plot_add_series (plot, "loss", COPYIST_LOSS_PLOT_AXIS_LEFT);
  double x0, x1, y0, y1;

  for (int i = 0; i < 20000; i++)
    g_assert_true (copyist_loss_plot_add_point (plot, s, i / 100.0, i < 16384 ? 1.0 + (i % 2) : 1.5));
  g_assert_cmpuint (copyist_loss_plot_get_n_points (plot, s), <=, COPYIST_LOSS_PLOT_MAX_POINTS);
  g_assert_cmpuint (copyist_loss_plot_get_n_points (plot, s), >=, COPYIST_LOSS_PLOT_MAX_POINTS / 2);
  /* Averaging pairs of alternating 1/2 gives 1.5: the mean level survives
   * (no point reaches 2 any more), and x still spans the whole run. */
  g_assert_true (copyist_loss_plot_get_range (plot, COPYIST_LOSS_PLOT_AXIS_LEFT, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x1, >, 199.0);
  g_assert_cmpfloat (y1, <, 2.0);
}

static void
test_render (void)
{
  g_autoptr(GtkWidget) widget = plot_new ();
  CopyistLossPlot *plot = COPYIST_LOSS_PLOT (widget);
  GdkRGBA c0, c1;
  guint a, b;

  copyist_loss_plot_get_series_color (plot, 0, &c0);
  copyist_loss_plot_get_series_color (plot, 1, &c1);
  g_assert_false (gdk_rgba_equal (&c0, &c1));

  /* Nothing plotted yet: no series colour anywhere. */
  g_assert_cmpuint (count_color (plot, &c0, 0, 0, W, H), ==, 0);

  a = copyist_loss_plot_add_series (plot, "high", COPYIST_LOSS_PLOT_AXIS_LEFT);
  b = copyist_loss_plot_add_series (plot, "low", COPYIST_LOSS_PLOT_AXIS_LEFT);
  for (int i = 0; i <= 10; i++)
    {
      copyist_loss_plot_add_point (plot, a, i, 10.0); /* top edge of the plot */
      copyist_loss_plot_add_point (plot, b, i, 0.0);  /* bottom edge */
    }
  /* Series a is drawn along the top of the plot area, b along the bottom;
   * the legend (top strip, y < 28) is excluded from the counts. */
  g_assert_cmpuint (count_color (plot, &c0, 60, 28, W - 60, H / 2), >, 200);
  g_assert_cmpuint (count_color (plot, &c0, 60, H / 2, W - 60, H), ==, 0);
  g_assert_cmpuint (count_color (plot, &c1, 60, H / 2, W - 60, H), >, 200);
  g_assert_cmpuint (count_color (plot, &c1, 60, 28, W - 60, H / 2), ==, 0);
  /* Both appear in the legend. */
  g_assert_cmpuint (count_color (plot, &c0, 0, 0, W, 28), >, 10);
  g_assert_cmpuint (count_color (plot, &c1, 0, 0, W, 28), >, 10);

  /* A tiny area draws nothing and does not crash. */
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 10, 10);
    cairo_t *cr = cairo_create (surface);
    copyist_loss_plot_render (plot, cr, 10, 10, &c0);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/loss-plot/points-and-range", test_points_and_range);
  g_test_add_func ("/ui/loss-plot/negative-values", test_negative_values);
  g_test_add_func ("/ui/loss-plot/decimation", test_decimation);
  g_test_add_func ("/ui/loss-plot/render", test_render);
  return g_test_run ();
}
