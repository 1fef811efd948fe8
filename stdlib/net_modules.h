/*
** net_modules.h — the native modules under asyncio's streams, subprocesses and signal
** handlers: `_socket` (socket.c), `_subprocess` (subprocess.c), `_signal` (signal.c).
** Registered with the library modules (lib_modules.c).
*/
#ifndef ASY_NET_MODULES_H
#define ASY_NET_MODULES_H

#include "vm/vm.h"

/* Module initialisers (NativeFn called once by import with args[0] the module). */
Value asy_mod_socket_init(VM *vm, int argc, Value *args, ObjDict *kw);
Value asy_mod_subprocess_init(VM *vm, int argc, Value *args, ObjDict *kw);
Value asy_mod_signal_init(VM *vm, int argc, Value *args, ObjDict *kw);
/* Raise OSError(err, strerror(err)) through its constructor, so the errno picks the
** subclass (ConnectionRefusedError, ProcessLookupError...); returns EXC_VAL. */
Value asy_std_raise_oserror(VM *vm, int err);

#endif
