/* copyist-version.c */
#include "config.h"

#include "copyist-core.h"

const char *
copyist_version (void)
{
  return PACKAGE_VERSION;
}
