/*
** env.c — environment variables as the runtime sees them (env.h).
*/
#include <stdlib.h>
#include <string.h>

#include "vm/env.h"

/* Process-wide, like the environment itself (set once by main before any VM starts). */
static bool ignore_env;

void asy_env_ignore(bool ignore) { ignore_env = ignore; }

const char *asy_getenv(const char *name) {
  if (ignore_env && (strncmp(name, "ASY", 3) == 0 || strncmp(name, "PYTHON", 6) == 0)) return NULL;
  return getenv(name);
}
