/*
** finalize.h — what the collector does with unreachable objects that must not vanish
** silently, and when their finalizers run.
**
** CPython frees an object the moment its last reference goes; Asy's mark-sweep
** collector finds garbage only when it runs. Between marking and sweeping it scans the
** unreachable objects (asy_finalize_scan):
**   - a coroutine that was never started gets CPython's warning,
**     "RuntimeWarning: coroutine 'f' was never awaited", at the line that created it,
**     once per line (the default warnings filter), printed at once;
**   - an instance whose class defines __del__, and a suspended generator (whose
**     `finally` blocks must run: close()), are kept alive for one more cycle and queued.
** Queued finalizers run at safe points, never inside the allocator: after each event
** loop iteration and when the program ends (asy_finalize_run). Each object is
** finalized at most once (Obj.finalized).
** To keep CPython's timing where it is observable, the interpreter collects at once
** when a statement drops a coroutine that never ran (`work()` instead of `await
** work()`), and the event loop collects after an iteration in which a future failed
** with nobody having retrieved the exception yet (asy_finalize_note_unretrieved).
*/
#ifndef ASY_FINALIZE_H
#define ASY_FINALIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "vm/value.h"

typedef struct VM VM;
struct Obj;

typedef struct AsyFinalizer {
  struct Obj **queue; /* objects whose finalizer is due: queue[head..count) */
  size_t head, count, capacity;
  struct {
    const void *file;
    int line;
  } * warned; /* (filename str, line) warned once */
  size_t nwarned, warned_cap;
  struct Obj **tracked; /* every object that may need finalizing (asy_finalize_track) */
  size_t ntracked, tracked_cap;
  long unretrieved;      /* futures failed with nobody retrieving the exception yet */
  long unretrieved_seen; /* that count at the last collection it caused */
  bool running;          /* asy_finalize_run is on the C stack */
} AsyFinalizer;

/* o may need finalizing when it dies: a generator or coroutine, an instance of a class
** with __del__, a failed future (asy_finalize_want). Only tracked objects are scanned. */
void asy_finalize_track(VM *vm, struct Obj *o);
/* Forget tracked o, which is about to be freed with nothing to finalize (asy_gc_free_now):
** false when it is not among the most recently tracked objects (or was finalized). */
bool asy_finalize_untrack(VM *vm, struct Obj *o);
/* Ask for o's finalizer (a future's report) once it becomes unreachable. */
void asy_finalize_want(VM *vm, struct Obj *o);
/* Between mark and sweep: warn for never-awaited coroutines, queue (and mark) the
** objects whose finalizers must run. */
void asy_finalize_scan(VM *vm);
/* Could any tracked object still need its finalizer (a generator not closed, an
** instance with __del__, a future with something to report)? */
bool asy_finalize_has_candidates(VM *vm);
/* After marking is complete: forget the tracked objects the sweep will free. */
void asy_finalize_prune(VM *vm);
/* Mark the queued objects (GC roots until their finalizer ran). */
void asy_finalize_mark(VM *vm);
/* Run the queued finalizers (safe point). Errors print "Exception ignored in" as CPython. */
void asy_finalize_run(VM *vm);
/* A statement dropped value v: if it is a coroutine that never ran, collect now so its
** warning comes at this line, as with CPython's reference counting. */
void asy_finalize_dropped(VM *vm, Value v);
/* A future failed (+1) or its exception was retrieved (-1): see above. */
void asy_finalize_note_unretrieved(VM *vm, int delta);
/* After an event-loop iteration: collect if futures failed unretrieved since the last
** look, then run due finalizers. */
void asy_finalize_after_iteration(VM *vm);
/* Free the finalizer's tables (vm_free). */
void asy_finalize_free(VM *vm);

#endif
