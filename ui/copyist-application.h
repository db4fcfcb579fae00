/* copyist-application.h */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define COPYIST_TYPE_APPLICATION (copyist_application_get_type ())
G_DECLARE_FINAL_TYPE (CopyistApplication, copyist_application, COPYIST, APPLICATION, AdwApplication)

#include "copyist-job-pool.h"

CopyistApplication *copyist_application_new (void);
/* The application's one job pool (training, generation), made on first use. */
CopyistJobPool     *copyist_application_get_job_pool (CopyistApplication *self);

G_END_DECLS
