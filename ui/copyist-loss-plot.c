/* copyist-loss-plot.c — a live line plot of training losses, drawn with cairo
 *
 * The training page feeds it one point per step or epoch and per loss term
 * (reconstruction, KL or critic loss on the left axis; held-out BLEU on the
 * right). Drawing is one public function so tests render it off screen. */
#define G_LOG_DOMAIN "copyist"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include <adwaita.h>

#include "copyist-loss-plot.h"

typedef struct {
  char               *label;
  CopyistLossPlotAxis axis;
  GArray             *xs; /* double */
  GArray             *ys; /* double */
} Series;

struct _CopyistLossPlot
{
  GtkDrawingArea parent_instance;

  GPtrArray *series; /* Series* */
};

G_DEFINE_FINAL_TYPE (CopyistLossPlot, copyist_loss_plot, GTK_TYPE_DRAWING_AREA)

/* The Adwaita palette, darker shades on a light page (blue 4, red 4,
 * green 5, orange 5, purple 4, brown 4) and lighter ones on a dark page
 * (blue 2, red 1, green 2, orange 2, purple 2, brown 2): every line keeps a
 * contrast of at least 3:1 with the card behind it in both. */
static const GdkRGBA series_colors_light[] = {
  { 0x1c / 255.f, 0x71 / 255.f, 0xd8 / 255.f, 1.0f },
  { 0xc0 / 255.f, 0x1c / 255.f, 0x28 / 255.f, 1.0f },
  { 0x26 / 255.f, 0xa2 / 255.f, 0x69 / 255.f, 1.0f },
  { 0xc6 / 255.f, 0x46 / 255.f, 0x00 / 255.f, 1.0f },
  { 0x81 / 255.f, 0x3d / 255.f, 0x9c / 255.f, 1.0f },
  { 0x86 / 255.f, 0x5e / 255.f, 0x3c / 255.f, 1.0f },
};
static const GdkRGBA series_colors_dark[] = {
  { 0x62 / 255.f, 0xa0 / 255.f, 0xea / 255.f, 1.0f },
  { 0xf6 / 255.f, 0x61 / 255.f, 0x51 / 255.f, 1.0f },
  { 0x57 / 255.f, 0xe3 / 255.f, 0x89 / 255.f, 1.0f },
  { 0xff / 255.f, 0xa3 / 255.f, 0x48 / 255.f, 1.0f },
  { 0xc0 / 255.f, 0x61 / 255.f, 0xcb / 255.f, 1.0f },
  { 0xcd / 255.f, 0xab / 255.f, 0x8f / 255.f, 1.0f },
};

#define MARGIN_LEFT   52.0
#define MARGIN_RIGHT  52.0
#define MARGIN_TOP    28.0
#define MARGIN_BOTTOM 34.0

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_array_unref (s->xs);
  g_array_unref (s->ys);
  g_free (s);
}

/* Halves the number of points by averaging neighbours pairwise. */
static void
series_decimate (Series *s)
{
  guint n = s->xs->len / 2;

  for (guint i = 0; i < n; i++)
    {
      double x = (g_array_index (s->xs, double, 2 * i) + g_array_index (s->xs, double, 2 * i + 1)) / 2;
      double y = (g_array_index (s->ys, double, 2 * i) + g_array_index (s->ys, double, 2 * i + 1)) / 2;
      g_array_index (s->xs, double, i) = x;
      g_array_index (s->ys, double, i) = y;
    }
  if (s->xs->len % 2 == 1)
    {
      g_array_index (s->xs, double, n) = g_array_index (s->xs, double, s->xs->len - 1);
      g_array_index (s->ys, double, n) = g_array_index (s->ys, double, s->ys->len - 1);
      n++;
    }
  g_array_set_size (s->xs, n);
  g_array_set_size (s->ys, n);
}

/* A round step (1, 2 or 5 × 10^k) that cuts SPAN into about N pieces. */
static double
nice_step (double span, int n)
{
  double raw = span / n;
  double mag = pow (10.0, floor (log10 (raw)));
  double f = raw / mag;

  if (f <= 1.0)
    return mag;
  if (f <= 2.0)
    return 2 * mag;
  if (f <= 5.0)
    return 5 * mag;
  return 10 * mag;
}

static gboolean
raw_range (CopyistLossPlot *self, CopyistLossPlotAxis axis,
           double *x_min, double *x_max, double *y_min, double *y_max)
{
  gboolean any = FALSE;

  *x_min = *y_min = INFINITY;
  *x_max = *y_max = -INFINITY;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      for (guint j = 0; j < s->xs->len; j++)
        {
          double x = g_array_index (s->xs, double, j);
          *x_min = MIN (*x_min, x);
          *x_max = MAX (*x_max, x);
          if (s->axis == axis)
            {
              double y = g_array_index (s->ys, double, j);
              *y_min = MIN (*y_min, y);
              *y_max = MAX (*y_max, y);
              any = TRUE;
            }
        }
    }
  return any;
}

static void
draw_text (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y,
           double align_x, double align_y)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - align_x * w, y - align_y * h);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  copyist_loss_plot_render (COPYIST_LOSS_PLOT (area), cr, width, height, &fg);
}

static void
copyist_loss_plot_finalize (GObject *object)
{
  CopyistLossPlot *self = COPYIST_LOSS_PLOT (object);

  g_ptr_array_unref (self->series);
  G_OBJECT_CLASS (copyist_loss_plot_parent_class)->finalize (object);
}

/* The series colours follow the light or dark palette: redraw on a change. */
static void
copyist_loss_plot_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (copyist_loss_plot_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
copyist_loss_plot_class_init (CopyistLossPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = copyist_loss_plot_finalize;
  widget_class->css_changed = copyist_loss_plot_css_changed;
  gtk_widget_class_set_css_name (widget_class, "lossplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
copyist_loss_plot_init (CopyistLossPlot *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_cb, NULL, NULL);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self), 320);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), 180);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Training loss plot"),
                                  -1);
}

GtkWidget *
copyist_loss_plot_new (void)
{
  return g_object_new (COPYIST_TYPE_LOSS_PLOT, NULL);
}

guint
copyist_loss_plot_add_series (CopyistLossPlot *self, const char *label, CopyistLossPlotAxis axis)
{
  Series *s;

  g_return_val_if_fail (COPYIST_IS_LOSS_PLOT (self), 0);
  g_return_val_if_fail (label != NULL, 0);

  s = g_new0 (Series, 1);
  s->label = g_strdup (label);
  s->axis = axis;
  s->xs = g_array_new (FALSE, FALSE, sizeof (double));
  s->ys = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->series->len - 1;
}

gboolean
copyist_loss_plot_add_point (CopyistLossPlot *self, guint series, double x, double y)
{
  Series *s;

  g_return_val_if_fail (COPYIST_IS_LOSS_PLOT (self), FALSE);

  if (series >= self->series->len || !isfinite (x) || !isfinite (y))
    return FALSE;
  s = g_ptr_array_index (self->series, series);
  if (s->xs->len > 0 && x < g_array_index (s->xs, double, s->xs->len - 1))
    return FALSE;
  g_array_append_val (s->xs, x);
  g_array_append_val (s->ys, y);
  if (s->xs->len >= COPYIST_LOSS_PLOT_MAX_POINTS)
    series_decimate (s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
copyist_loss_plot_clear (CopyistLossPlot *self)
{
  g_return_if_fail (COPYIST_IS_LOSS_PLOT (self));

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      g_array_set_size (s->xs, 0);
      g_array_set_size (s->ys, 0);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
copyist_loss_plot_reset (CopyistLossPlot *self)
{
  g_return_if_fail (COPYIST_IS_LOSS_PLOT (self));

  g_ptr_array_set_size (self->series, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
copyist_loss_plot_get_n_series (CopyistLossPlot *self)
{
  g_return_val_if_fail (COPYIST_IS_LOSS_PLOT (self), 0);
  return self->series->len;
}

guint
copyist_loss_plot_get_n_points (CopyistLossPlot *self, guint series)
{
  g_return_val_if_fail (COPYIST_IS_LOSS_PLOT (self), 0);
  if (series >= self->series->len)
    return 0;
  return ((Series *) g_ptr_array_index (self->series, series))->xs->len;
}

gboolean
copyist_loss_plot_get_range (CopyistLossPlot *self, CopyistLossPlotAxis axis,
                             double *x_min, double *x_max, double *y_min, double *y_max)
{
  double step;

  g_return_val_if_fail (COPYIST_IS_LOSS_PLOT (self), FALSE);

  if (!raw_range (self, axis, x_min, x_max, y_min, y_max))
    return FALSE;

  /* Losses and scores are non-negative: start at 0 so the eye reads the
   * level, not just the wiggle; a negative value (a critic loss can be)
   * extends the axis down. */
  *y_min = MIN (0.0, *y_min);
  if (*y_max - *y_min < 1e-9)
    *y_max = *y_min + 1.0;
  step = nice_step (*y_max - *y_min, 5);
  *y_min = floor (*y_min / step) * step;
  *y_max = ceil (*y_max / step) * step;

  *x_min = MIN (0.0, *x_min);
  if (*x_max - *x_min < 1e-9)
    *x_max = *x_min + 1.0;
  return TRUE;
}

void
copyist_loss_plot_get_series_color (CopyistLossPlot *self, guint series, GdkRGBA *color)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  *color = (dark ? series_colors_dark : series_colors_light)[series % G_N_ELEMENTS (series_colors_light)];
}

void
copyist_loss_plot_render (CopyistLossPlot *self, cairo_t *cr, int width, int height,
                          const GdkRGBA *foreground)
{
  PangoLayout *layout;
  double plot_w = width - MARGIN_LEFT - MARGIN_RIGHT;
  double plot_h = height - MARGIN_TOP - MARGIN_BOTTOM;
  double legend_x = MARGIN_LEFT;
  gboolean axis_present[2];
  double ranges[2][4];

  g_return_if_fail (COPYIST_IS_LOSS_PLOT (self));

  if (plot_w < 20 || plot_h < 20)
    return;

  layout = pango_cairo_create_layout (cr);
  {
    PangoFontDescription *font = pango_font_description_from_string ("Sans 9");
    pango_layout_set_font_description (layout, font);
    pango_font_description_free (font);
  }

  for (int a = 0; a < 2; a++)
    axis_present[a] = copyist_loss_plot_get_range (self, (CopyistLossPlotAxis) a,
                                                   &ranges[a][0], &ranges[a][1],
                                                   &ranges[a][2], &ranges[a][3]);

  /* Frame and grid. */
  cairo_set_line_width (cr, 1.0);
  gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { foreground->red, foreground->green, foreground->blue, 0.15f });
  cairo_rectangle (cr, MARGIN_LEFT + 0.5, MARGIN_TOP + 0.5, plot_w - 1, plot_h - 1);
  cairo_stroke (cr);

  if (!axis_present[0] && !axis_present[1])
    {
      gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { foreground->red, foreground->green, foreground->blue, 0.55f });
      draw_text (cr, layout, _("The losses appear here while a model trains"),
                 MARGIN_LEFT + plot_w / 2, MARGIN_TOP + plot_h / 2, 0.5, 0.5);
      g_object_unref (layout);
      return;
    }

  for (int a = 0; a < 2; a++)
    {
      double lo, hi, step;

      if (!axis_present[a])
        continue;
      lo = ranges[a][2];
      hi = ranges[a][3];
      step = nice_step (hi - lo, 5);
      for (double v = lo; v <= hi + step / 2; v += step)
        {
          double py = MARGIN_TOP + plot_h - (v - lo) / (hi - lo) * plot_h;
          char buf[32];

          if (a == 0)
            {
              gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { foreground->red, foreground->green, foreground->blue, 0.10f });
              cairo_move_to (cr, MARGIN_LEFT, round (py) + 0.5);
              cairo_line_to (cr, MARGIN_LEFT + plot_w, round (py) + 0.5);
              cairo_stroke (cr);
            }
          g_snprintf (buf, sizeof buf, "%.*f", step < 1 ? (step < 0.1 ? 2 : 1) : 0, v);
          gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { foreground->red, foreground->green, foreground->blue, 0.7f });
          if (a == 0)
            draw_text (cr, layout, buf, MARGIN_LEFT - 6, py, 1.0, 0.5);
          else
            draw_text (cr, layout, buf, MARGIN_LEFT + plot_w + 6, py, 0.0, 0.5);
        }
    }

  /* The x axis: epochs. */
  {
    int a = axis_present[0] ? 0 : 1;
    double lo = ranges[a][0], hi = ranges[a][1];
    double step = nice_step (hi - lo, 6);

    if (step < 1.0 && hi - lo >= 1.0)
      step = 1.0;
    gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { foreground->red, foreground->green, foreground->blue, 0.7f });
    for (double v = lo; v <= hi + step / 2; v += step)
      {
        double px = MARGIN_LEFT + (v - lo) / (hi - lo) * plot_w;
        char buf[32];

        g_snprintf (buf, sizeof buf, "%.*f", step < 1 ? 1 : 0, v);
        draw_text (cr, layout, buf, px, MARGIN_TOP + plot_h + 4, 0.5, 0.0);
      }
    draw_text (cr, layout, _("Epoch"), MARGIN_LEFT + plot_w, height - 2, 1.0, 1.0);
  }

  /* The series, clipped to the plot area. */
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      double *r = ranges[s->axis];
      GdkRGBA color;
      int lw, lh;

      copyist_loss_plot_get_series_color (self, i, &color);

      cairo_save (cr);
      cairo_rectangle (cr, MARGIN_LEFT, MARGIN_TOP, plot_w, plot_h);
      cairo_clip (cr);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, 2.0);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      for (guint j = 0; j < s->xs->len; j++)
        {
          double px = MARGIN_LEFT + (g_array_index (s->xs, double, j) - r[0]) / (r[1] - r[0]) * plot_w;
          double py = MARGIN_TOP + plot_h - (g_array_index (s->ys, double, j) - r[2]) / (r[3] - r[2]) * plot_h;

          if (j == 0)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      /* A lone point (the first epoch's BLEU) shows as a dot. */
      if (s->xs->len == 1)
        {
          double px, py;
          cairo_get_current_point (cr, &px, &py);
          cairo_new_path (cr);
          cairo_arc (cr, px, py, 3.0, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      else
        cairo_stroke (cr);
      cairo_restore (cr);

      /* Legend entry: a short line and the label, along the top. */
      pango_layout_set_text (layout, s->label, -1);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, 3.0);
      cairo_move_to (cr, legend_x, MARGIN_TOP / 2);
      cairo_line_to (cr, legend_x + 16, MARGIN_TOP / 2);
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, foreground);
      cairo_move_to (cr, legend_x + 20, MARGIN_TOP / 2 - lh / 2.0);
      pango_cairo_show_layout (cr, layout);
      legend_x += 20 + lw + 16;
    }

  g_object_unref (layout);
}
