/*
** env.h — the environment variables the runtime reads, and `asy -E`.
**
** Every ASY* and PYTHON* variable Asy consults (ASYPATH, ASY_HISTORY, PYTHON_COLORS, …)
** is read through asy_getenv, so `-E` can hide them all in one place, as CPython's -E
** hides PYTHON*. Other variables (HOME, TERM, NO_COLOR, FORCE_COLOR) are read as usual,
** and os.environ still shows everything, as in CPython.
*/
#ifndef ASY_ENV_H
#define ASY_ENV_H

#include <stdbool.h>

/* `-E`: from now on asy_getenv answers NULL for ASY* and PYTHON* names. */
void asy_env_ignore(bool ignore);
/* getenv(name), or NULL under -E for a name starting with ASY or PYTHON. */
const char *asy_getenv(const char *name);

#endif
