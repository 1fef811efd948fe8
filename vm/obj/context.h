/*
** context.h — contextvars.Context: a mapping from ContextVars to values, one of which
** is current at a time (vm->loop.context). The event loop makes a handle's context
** current while its callback runs, and a task's while it steps (vm/loop.c,
** vm/future.c); Context.run does it for a call. ContextVar and Token are written in
** Asy (stdlib/lib/contextvars.asy) and read and write the current context's `_data`.
** A context holds no dict until a variable is set in it, so copying an empty one (every
** task copies its creator's) allocates only the context.
*/
#ifndef ASY_OBJ_CONTEXT_H
#define ASY_OBJ_CONTEXT_H

#include "vm/vm.h"

typedef struct ObjContext {
  Obj obj;
  ObjDict *vars; /* NULL while empty */
  Value prev;    /* while entered by run(): the context current before */
  bool entered;
} ObjContext;

/* A new empty context. */
ObjContext *asy_context_new(VM *vm);
/* contextvars.copy_context(): a copy of the current context (a new empty one when
** none is current yet). */
Value asy_context_copy_current(VM *vm);
/* Install the Context methods and `copy_context` into module dict d. */
void asy_context_init(VM *vm, ObjDict *d);

#endif
