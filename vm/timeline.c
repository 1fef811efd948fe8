/*
** timeline.c — the recorder behind `asy --timeline` (see timeline.h).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/loop.h"
#include "vm/timeline.h"

static double now(VM *vm) { return asy_loop_time(vm) - vm->trace_origin; }

static char *copy_text(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

#define GROW(arr, n, cap)                                                   \
  do {                                                                      \
    if ((n) == (cap)) {                                                     \
      size_t c_ = (cap) ? (cap) * 2 : 64;                                   \
      void *p_ = realloc((arr), c_ * sizeof *(arr));                        \
      if (!p_) return;                                                      \
      (arr) = p_;                                                           \
      (cap) = c_;                                                           \
    }                                                                       \
  } while (0)

static size_t slot_of(const AsyTimeline *tl, const void *key) {
  size_t i = ((uintptr_t)key >> 4) & (tl->map_cap - 1);
  while (tl->keys[i] && tl->keys[i] != key) i = (i + 1) & (tl->map_cap - 1);
  return i;
}

static int lane_of(AsyTimeline *tl, const void *key) {
  if (!tl->map_cap || !key) return -1;
  size_t i = slot_of(tl, key);
  return tl->keys[i] ? tl->vals[i] : -1;
}

/* Tasks are forgotten when they finish (their memory may then serve a new task), so
** the map uses tombstones: a key of 1 is a free slot that keeps probe chains intact. */
static void map_put(AsyTimeline *tl, const void *key, int lane) {
  if ((tl->map_used + 1) * 2 > tl->map_cap) {
    size_t cap = tl->map_cap ? tl->map_cap * 2 : 256;
    const void **keys = calloc(cap, sizeof *keys);
    int *vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
      free(keys), free(vals);
      return;
    }
    AsyTimeline old = *tl;
    tl->keys = keys, tl->vals = vals, tl->map_cap = cap, tl->map_used = 0;
    for (size_t i = 0; i < old.map_cap; i++)
      if (old.keys[i] && old.keys[i] != (const void *)1) {
        size_t j = slot_of(tl, old.keys[i]);
        tl->keys[j] = old.keys[i], tl->vals[j] = old.vals[i], tl->map_used++;
      }
    free(old.keys), free(old.vals);
  }
  size_t i = slot_of(tl, key);
  if (!tl->keys[i]) tl->map_used++;
  tl->keys[i] = key;
  tl->vals[i] = lane;
}

static void map_forget(AsyTimeline *tl, const void *key) {
  if (!tl->map_cap) return;
  size_t i = slot_of(tl, key);
  if (tl->keys[i]) tl->keys[i] = (const void *)1;
}

void asy_timeline_start(VM *vm) {
  vm->timeline = calloc(1, sizeof(AsyTimeline));
}

static void close_open(AsyTimeline *tl, int lane, double t) {
  int s = tl->open_seg[lane];
  if (s >= 0) tl->segs[s].t1 = t;
  tl->open_seg[lane] = -1;
}

static void add_mark(AsyTimeline *tl, int lane, double t, AsyTimelineMark kind, const char *label,
                     int other) {
  GROW(tl->marks, tl->nmarks, tl->cap_marks);
  AsyTimelineMarker *m = &tl->marks[tl->nmarks++];
  m->lane = lane, m->t = t, m->kind = kind, m->label = copy_text(label ? label : ""), m->other = other;
}

void asy_timeline_created(VM *vm, const void *task, const char *name, const void *creator,
                          int group, int depth, const char *where) {
  AsyTimeline *tl = vm->timeline;
  if (!tl) return;
  if (tl->nlanes == tl->cap_lanes) {
    size_t c = tl->cap_lanes ? tl->cap_lanes * 2 : 32;
    AsyTimelineLane *l = realloc(tl->lanes, c * sizeof *l);
    int *o = realloc(tl->open_seg, c * sizeof *o);
    if (!l || !o) {
      if (l) tl->lanes = l;
      if (o) tl->open_seg = o;
      return;
    }
    tl->lanes = l, tl->open_seg = o, tl->cap_lanes = c;
  }
  int lane = (int)tl->nlanes++;
  AsyTimelineLane *L = &tl->lanes[lane];
  L->name = copy_text(name), L->where = copy_text(where);
  L->parent = lane_of(tl, creator);
  L->group = group, L->depth = depth;
  L->created = now(vm), L->ended = -1, L->outcome = NULL;
  tl->open_seg[lane] = -1;
  map_put(tl, task, lane);
  if (L->parent >= 0) add_mark(tl, L->parent, L->created, TL_MARK_SPAWN, name, lane);
}

/* The task's lane with what was open on it closed now (-1: not recorded); *t is now. */
static int end_open(VM *vm, const void *task, double *t) {
  AsyTimeline *tl = vm->timeline;
  int lane = tl ? lane_of(tl, task) : -1;
  *t = now(vm);
  if (lane >= 0) close_open(tl, lane, *t);
  return lane;
}

void asy_timeline_segment(VM *vm, const void *task, AsyTimelineKind kind, const char *label) {
  AsyTimeline *tl = vm->timeline;
  double t;
  int lane = end_open(vm, task, &t);
  if (lane < 0) return;
  GROW(tl->segs, tl->nsegs, tl->cap_segs);
  AsyTimelineSegment *s = &tl->segs[tl->nsegs];
  s->lane = lane, s->t0 = t, s->t1 = -1, s->kind = kind, s->label = copy_text(label ? label : "");
  tl->open_seg[lane] = (int)tl->nsegs++;
}

void asy_timeline_mark(VM *vm, const void *task, AsyTimelineMark kind, const char *label) {
  AsyTimeline *tl = vm->timeline;
  int lane = tl ? lane_of(tl, task) : -1;
  if (lane >= 0) add_mark(tl, lane, now(vm), kind, label, -1);
}

void asy_timeline_finished(VM *vm, const void *task, AsyTimelineMark kind, const char *text) {
  AsyTimeline *tl = vm->timeline;
  double t;
  int lane = end_open(vm, task, &t);
  if (lane < 0) return;
  tl->lanes[lane].ended = t;
  tl->lanes[lane].outcome = copy_text(text);
  add_mark(tl, lane, t, kind, text, -1);
  map_forget(tl, task);
}

AsyTimelineKind asy_timeline_kind_of(const char *w) {
  if (!strncmp(w, "sleeps", 6)) return TL_SLEEP;
  if (!strncmp(w, "yields", 6)) return TL_YIELD;
  if ((!strncmp(w, "awaits", 6) && strstr(w, "awaits a ") != w) || strstr(w, "gather()"))
    return TL_TASK;
  if (strstr(w, "lock") || strstr(w, "semaphore") || strstr(w, "condition") ||
      strstr(w, "barrier"))
    return TL_LOCK;
  if (strstr(w, "event")) return TL_EVENT;
  if (strstr(w, "queue")) return TL_QUEUE;
  if (strstr(w, "its group")) return TL_GROUP;
  return TL_OTHER;
}

AsyTimeline *asy_timeline_stop(VM *vm) {
  AsyTimeline *tl = vm->timeline;
  if (!tl) return NULL;
  double t = now(vm);
  for (size_t i = 0; i < tl->nlanes; i++) close_open(tl, (int)i, t);
  tl->end = t;
  vm->timeline = NULL;
  return tl;
}

void asy_timeline_free(AsyTimeline *tl) {
  if (!tl) return;
  for (size_t i = 0; i < tl->nlanes; i++)
    free(tl->lanes[i].name), free(tl->lanes[i].where), free(tl->lanes[i].outcome);
  for (size_t i = 0; i < tl->nsegs; i++) free(tl->segs[i].label);
  for (size_t i = 0; i < tl->nmarks; i++) free(tl->marks[i].label);
  free(tl->lanes), free(tl->segs), free(tl->marks), free(tl->keys), free(tl->vals);
  free(tl->open_seg);
  free(tl);
}
