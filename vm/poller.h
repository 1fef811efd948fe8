/*
** poller.h — file descriptors the event loop watches (epoll), asyncio's add_reader.
**
** A reader is a loop handle kept per fd; while the fd is readable, each loop iteration
** queues its handle once, as CPython's selector loop does. The loop waits in
** asy_poller_wait instead of sleeping whenever a reader is registered, so input wakes
** it as a timer or a signal does (the REPL watches stdin this way; sockets come later).
*/
#ifndef ASY_POLLER_H
#define ASY_POLLER_H

#include <stdbool.h>

#include "vm/value.h"

typedef struct VM VM;
struct ObjHandle;

/* Watch fd for reading: callback(*args) runs in context (None: the current one) in each
** iteration that finds it readable; replaces an earlier reader of fd. NULL with OSError
** pending when fd cannot be watched. */
struct ObjHandle *asy_poller_add_reader(VM *vm, int fd, Value callback, Value args,
                                        Value context);
/* Make sure the loop waits on epoll with its wake-up pipe (for worker threads); false
** with OSError pending when it cannot. */
bool asy_poller_ensure(VM *vm);
/* Wake the loop's wait from any thread (a worker finished or went to sleep). */
void asy_poller_wake(VM *vm);
/* Stop watching fd; false when it had no reader. */
bool asy_poller_remove_reader(VM *vm, int fd);
/* How many readers are registered. */
int asy_poller_count(VM *vm);
/* Wait up to `timeout` seconds (negative: until an event or a signal) and queue the
** handles of the readable fds on the ready ring. */
void asy_poller_wait(VM *vm, double timeout);
/* Mark the reader handles (gc.c) and release the epoll fd and the table (vm_free). */
void asy_poller_mark(VM *vm);
void asy_poller_free(VM *vm);

#endif
