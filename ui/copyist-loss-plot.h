/* copyist-loss-plot.h — a live line plot of training losses, drawn with cairo */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define COPYIST_TYPE_LOSS_PLOT (copyist_loss_plot_get_type ())
G_DECLARE_FINAL_TYPE (CopyistLossPlot, copyist_loss_plot, COPYIST, LOSS_PLOT, GtkDrawingArea)

/* Which vertical axis a series is drawn against: losses share the left
 * axis (auto-ranged from 0), scores such as held-out BLEU (0..1) the right. */
typedef enum {
  COPYIST_LOSS_PLOT_AXIS_LEFT,
  COPYIST_LOSS_PLOT_AXIS_RIGHT,
} CopyistLossPlotAxis;

/* Points kept per series; beyond this, neighbouring points are averaged
 * pairwise, so a long run keeps its shape in bounded memory. */
#define COPYIST_LOSS_PLOT_MAX_POINTS 2048

GtkWidget *copyist_loss_plot_new (void);

/* Adds a series named LABEL (shown in the legend; translated by the caller)
 * and returns its index. */
guint      copyist_loss_plot_add_series   (CopyistLossPlot     *self,
                                           const char          *label,
                                           CopyistLossPlotAxis  axis);
/* Appends the point (X, Y) to SERIES; X is the epoch (fractional for steps
 * inside an epoch) and must not decrease. Returns FALSE, and ignores the
 * point, when SERIES does not exist, Y or X is not finite, or X decreases. */
gboolean   copyist_loss_plot_add_point    (CopyistLossPlot     *self,
                                           guint                series,
                                           double               x,
                                           double               y);
/* Removes every point, keeping the series. */
void       copyist_loss_plot_clear        (CopyistLossPlot     *self);
/* Removes every series. */
void       copyist_loss_plot_reset        (CopyistLossPlot     *self);

guint      copyist_loss_plot_get_n_series (CopyistLossPlot     *self);
guint      copyist_loss_plot_get_n_points (CopyistLossPlot     *self,
                                           guint                series);
/* The data range drawn for AXIS: x over all series, y over the series on
 * that axis, widened to round tick values. FALSE when the axis has no point. */
gboolean   copyist_loss_plot_get_range    (CopyistLossPlot     *self,
                                           CopyistLossPlotAxis  axis,
                                           double              *x_min, /* OUT */
                                           double              *x_max, /* OUT */
                                           double              *y_min, /* OUT */
                                           double              *y_max  /* OUT */);
/* The colour series I is drawn in. */
void       copyist_loss_plot_get_series_color (CopyistLossPlot *self,
                                               guint            series,
                                               GdkRGBA         *color /* OUT */);
/* Draws the plot into CR over WIDTH × HEIGHT with FOREGROUND for axes and
 * text; what the widget's draw function does, public so it can be tested
 * and exported without a display. */
void       copyist_loss_plot_render       (CopyistLossPlot     *self,
                                           cairo_t             *cr,
                                           int                  width,
                                           int                  height,
                                           const GdkRGBA       *foreground);

G_END_DECLS
