/*
** timeline.h — what `asy --timeline FILE.html` records while the program runs: one lane
** per task (its name, the task that created it, its group), the segments of each lane
** (running, or waiting on something of some kind) and point events (spawn, cancel
** request, cancellation delivered, failure, timeout, library notes). vm/trace.c feeds
** it from the same hooks as --trace; stdlib/timeline_html.c draws the page at exit.
*/
#ifndef ASY_TIMELINE_H
#define ASY_TIMELINE_H

#include <stddef.h>

#include "vm/vm.h"

typedef enum {
  TL_RUN, TL_SLEEP, TL_LOCK, TL_EVENT, TL_QUEUE, TL_TASK, TL_GROUP, TL_YIELD, TL_OTHER,
  TL_KIND_COUNT
} AsyTimelineKind;

typedef enum {
  TL_MARK_SPAWN, TL_MARK_CANCEL_REQUEST, TL_MARK_CANCELLED, TL_MARK_FAILED, TL_MARK_TIMEOUT,
  TL_MARK_NOTE, TL_MARK_DONE
} AsyTimelineMark;

typedef struct {
  char *name, *where; /* "Task-2", "shop.asy:14" */
  int parent;         /* lane of the creating task, -1: none */
  int group;          /* TaskGroup number (0: none) */
  int depth;
  double created, ended; /* ended < 0: still pending at exit */
  char *outcome;         /* "finished -> 3", "failed with ValueError('x')", "cancelled" */
} AsyTimelineLane;

typedef struct {
  int lane;
  double t0, t1;
  AsyTimelineKind kind;
  char *label;
} AsyTimelineSegment;

typedef struct {
  int lane;
  double t;
  AsyTimelineMark kind;
  char *label;
  int other; /* TL_MARK_SPAWN: the child's lane */
} AsyTimelineMarker;

typedef struct AsyTimeline {
  AsyTimelineLane *lanes;
  size_t nlanes, cap_lanes;
  AsyTimelineSegment *segs;
  size_t nsegs, cap_segs;
  AsyTimelineMarker *marks;
  size_t nmarks, cap_marks;
  /* task object -> lane, while the task lives */
  const void **keys;
  int *vals;
  size_t map_cap, map_used;
  int *open_seg; /* per lane: the segment still open, or -1 */
  double end;    /* the clock when recording stopped */
} AsyTimeline;

/* Start recording (vm->timeline). */
void asy_timeline_start(VM *vm);
/* Events, at the loop's clock (vm/trace.c calls these). */
void asy_timeline_created(VM *vm, const void *task, const char *name, const void *creator,
                          int group, int depth, const char *where);
void asy_timeline_segment(VM *vm, const void *task, AsyTimelineKind kind, const char *label);
void asy_timeline_finished(VM *vm, const void *task, AsyTimelineMark kind, const char *text);
void asy_timeline_mark(VM *vm, const void *task, AsyTimelineMark kind, const char *label);
/* What a --trace wait description means as a lane colour. */
AsyTimelineKind asy_timeline_kind_of(const char *wait_words);
/* Close what is open at the current time and stop recording; the data stays for the
** writer, then asy_timeline_free releases it. */
AsyTimeline *asy_timeline_stop(VM *vm);
void asy_timeline_free(AsyTimeline *tl);

#endif
