/*
** poller.h — file descriptors the event loop watches (epoll): asyncio's add_reader and
** add_writer.
**
** A reader (writer) is a loop handle kept per fd; while the fd is readable (writable),
** each loop iteration queues its handle once, as CPython's selector loop does. The loop
** waits in asy_poller_wait instead of sleeping whenever an fd is watched, so input wakes
** it as a timer or a signal does (the REPL watches stdin; streams their sockets; child
** processes their pipes and pidfds).
**
** An fd watched as `external` waits on something outside the interpreter (a socket, a
** child): on the virtual clock the loop must not jump time past it, so while one is
** watched the virtual clock runs at real speed whenever the loop has to wait (loop.c).
*/
#ifndef ASY_POLLER_H
#define ASY_POLLER_H

#include <stdbool.h>

#include "vm/value.h"

typedef struct VM VM;
struct ObjHandle;

/* What the loop knows of one watched fd. */
typedef struct AsyWatch {
  struct ObjHandle *reader, *writer; /* NULL where none */
  bool external;                     /* see above */
} AsyWatch;

/* Watch fd for reading: callback(*args) runs in context (None: the current one) in each
** iteration that finds it readable; replaces an earlier reader of fd. NULL with OSError
** pending when fd cannot be watched. */
struct ObjHandle *asy_poller_add_reader(VM *vm, int fd, Value callback, Value args, Value context);
/* The same for writability. */
struct ObjHandle *asy_poller_add_writer(VM *vm, int fd, Value callback, Value args, Value context);
/* Stop watching fd for reading (writing); false when it had no reader (writer). */
bool asy_poller_remove_reader(VM *vm, int fd);
bool asy_poller_remove_writer(VM *vm, int fd);
/* Mark a watched fd as waiting on the world outside (see above); false if not watched. */
bool asy_poller_set_external(VM *vm, int fd, bool external);
/* Whether fd is watched for reading and for writing. */
void asy_poller_watching(VM *vm, int fd, bool *reading, bool *writing);
/* How many fds are watched, and how many of them are external. */
int asy_poller_count(VM *vm);
int asy_poller_external_count(VM *vm);
/* Create the epoll fd and its signal wake-up pipe if not done yet; false with OSError
** pending on failure. (Signal handlers need it before any fd is watched.) */
bool asy_poller_ensure(VM *vm);
/* Wake the loop's wait from any thread (a worker finished or went to sleep). */
void asy_poller_wake(VM *vm);
/* Wait up to `timeout` seconds (negative: until an event or a signal) and queue the
** handles of the ready fds on the ready ring. */
void asy_poller_wait(VM *vm, double timeout);
/* Mark the reader handles (gc.c) and release the epoll fd and the table (vm_free). */
void asy_poller_mark(VM *vm);
void asy_poller_free(VM *vm);

#endif
