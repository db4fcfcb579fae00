/* copyist-window.h */
#pragma once

#include <adwaita.h>

#include "copyist-application.h"

G_BEGIN_DECLS

#define COPYIST_TYPE_WINDOW (copyist_window_get_type ())
G_DECLARE_FINAL_TYPE (CopyistWindow, copyist_window, COPYIST, WINDOW, AdwApplicationWindow)

CopyistWindow *copyist_window_new (CopyistApplication *application);

G_END_DECLS
