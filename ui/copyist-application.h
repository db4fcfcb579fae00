/* copyist-application.h */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define COPYIST_TYPE_APPLICATION (copyist_application_get_type ())
G_DECLARE_FINAL_TYPE (CopyistApplication, copyist_application, COPYIST, APPLICATION, AdwApplication)

CopyistApplication *copyist_application_new (void);

G_END_DECLS
