/*
** poller.c — the fds the event loop watches, on epoll (see poller.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/gil.h"
#include "vm/poller.h"
#include "vm/signals.h"
#include "vm/vm.h"

/* The wake-up pipe's epoll tag: not an fd. */
#define WAKE_TAG UINT64_MAX

bool asy_poller_ensure(VM *vm) {
  AsyLoop *l = &vm->loop;
  if (l->epfd > 0) return true;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) {
    asy_raise_errno(vm, errno, NULL);
    return false;
  }
  l->epfd = fd;
  /* Signals wake the wait through a pipe: no race with a signal that lands between the
  ** interpreter's last check and epoll_wait. */
  if (pipe2(l->wake, O_NONBLOCK | O_CLOEXEC) == 0) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.u64 = WAKE_TAG;
    epoll_ctl(fd, EPOLL_CTL_ADD, l->wake[0], &ev);
    asy_signals_set_wake_fd(l->wake[1]);
  } else {
    l->wake[0] = l->wake[1] = -1;
  }
  return true;
}

void asy_poller_wake(VM *vm) {
  int fd = vm->loop.wake[1];
  if (vm->loop.epfd > 0 && fd >= 0) {
    char b = 0;
    ssize_t n = write(fd, &b, 1); /* a full pipe already wakes the loop */
    (void)n;
  }
}

static AsyWatch *watch_of(AsyLoop *l, int fd) {
  return fd >= 0 && fd < l->watch_cap ? &l->watches[fd] : NULL;
}

/* Tell epoll what fd's watch now asks for; had_any: whether epoll knew the fd before. */
static bool update_epoll(VM *vm, int fd, const AsyWatch *w, bool had_any) {
  AsyLoop *l = &vm->loop;
  uint32_t events = (w->reader ? EPOLLIN : 0) | (w->writer ? EPOLLOUT : 0);
  if (!events) {
    if (had_any) epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
    return true;
  }
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = events;
  ev.data.u64 = (uint64_t)fd;
  int r = epoll_ctl(l->epfd, had_any ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
  /* A watched fd closed without being unwatched left epoll by itself: a new fd of that
  ** number is new to epoll. */
  if (r != 0 && had_any && errno == ENOENT) r = epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
  if (r != 0) {
    asy_raise_errno(vm, errno, NULL);
    return false;
  }
  return true;
}

/* Count a watch that stopped (or started) watching anything. */
static void count_watch(AsyLoop *l, AsyWatch *w, bool had_any) {
  bool has_any = w->reader || w->writer;
  if (has_any == had_any) return;
  l->watch_count += has_any ? 1 : -1;
  if (w->external) l->external_count += has_any ? 1 : -1;
  if (!has_any) w->external = false;
}

static ObjHandle *add_watch(VM *vm, int fd, bool writer, Value callback, Value args,
                            Value context) {
  AsyLoop *l = &vm->loop;
  if (fd < 0) {
    asy_raise(vm, vm->exc.ValueError, "Invalid file descriptor: %d", fd);
    return NULL;
  }
  if (!asy_poller_ensure(vm)) return NULL;
  ObjHandle *h = asy_loop_new_handle(vm, callback, args, context);
  if (fd >= l->watch_cap) {
    int cap = l->watch_cap ? l->watch_cap : 16;
    while (cap <= fd) cap *= 2;
    l->watches = ASY_GROW(vm, AsyWatch, l->watches, (size_t)l->watch_cap, (size_t)cap);
    memset(l->watches + l->watch_cap, 0, sizeof(AsyWatch) * (size_t)(cap - l->watch_cap));
    l->watch_cap = cap;
  }
  AsyWatch *w = &l->watches[fd];
  bool had_any = w->reader || w->writer;
  ObjHandle **slot = writer ? &w->writer : &w->reader;
  ObjHandle *old = *slot;
  *slot = h;
  if (!update_epoll(vm, fd, w, had_any)) {
    *slot = old;
    return NULL;
  }
  if (old) old->cancelled = true;
  count_watch(l, w, had_any);
  return h;
}

static bool remove_watch(VM *vm, int fd, bool writer) {
  AsyLoop *l = &vm->loop;
  AsyWatch *w = watch_of(l, fd);
  ObjHandle **slot = w ? (writer ? &w->writer : &w->reader) : NULL;
  if (!slot || !*slot) return false;
  (*slot)->cancelled = true;
  *slot = NULL;
  update_epoll(vm, fd, w, true);
  count_watch(l, w, true);
  return true;
}

ObjHandle *asy_poller_add_reader(VM *vm, int fd, Value callback, Value args, Value context) {
  return add_watch(vm, fd, false, callback, args, context);
}

ObjHandle *asy_poller_add_writer(VM *vm, int fd, Value callback, Value args, Value context) {
  return add_watch(vm, fd, true, callback, args, context);
}

bool asy_poller_remove_reader(VM *vm, int fd) { return remove_watch(vm, fd, false); }

bool asy_poller_remove_writer(VM *vm, int fd) { return remove_watch(vm, fd, true); }

bool asy_poller_set_external(VM *vm, int fd, bool external) {
  AsyLoop *l = &vm->loop;
  AsyWatch *w = watch_of(l, fd);
  if (!w || !(w->reader || w->writer)) return false;
  if (w->external != external) l->external_count += external ? 1 : -1;
  w->external = external;
  return true;
}

void asy_poller_watching(VM *vm, int fd, bool *reading, bool *writing) {
  AsyWatch *w = watch_of(&vm->loop, fd);
  *reading = w && w->reader;
  *writing = w && w->writer;
}

int asy_poller_count(VM *vm) { return vm->loop.watch_count; }

int asy_poller_external_count(VM *vm) { return vm->loop.external_count; }

void asy_poller_wait(VM *vm, double timeout) {
  AsyLoop *l = &vm->loop;
  if (!asy_poller_ensure(vm)) {
    asy_clear_pending(vm);
    return;
  }
  int ms = -1;
  if (timeout >= 0) {
    double t = timeout * 1e3;
    ms = t > 2e9 ? 2000000000 : (int)t;
    if ((double)ms < t) ms++; /* round up: never wake before the timer is due */
  }
  if (ASY_INTERRUPTED(vm) || asy_signals_caught(vm)) ms = 0;
  struct epoll_event evs[64];
  AsyThreadState *ts = asy_gil_release(vm); /* workers run while the loop waits */
  int n = epoll_wait(l->epfd, evs, 64, ms);
  asy_gil_restore(vm, ts);
  for (int i = 0; i < n; i++) {
    if (evs[i].data.u64 == WAKE_TAG) {
      char buf[64];
      while (read(l->wake[0], buf, sizeof buf) > 0) {}
      continue;
    }
    AsyWatch *w = watch_of(l, (int)evs[i].data.u64);
    if (!w) continue;
    uint32_t e = evs[i].events;
    /* A hang-up or an error wakes both sides: the next read or write reports it. */
    if (w->reader && !w->reader->cancelled && (e & (EPOLLIN | EPOLLHUP | EPOLLERR)))
      asy_loop_push_ready(vm, w->reader);
    if (w->writer && !w->writer->cancelled && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
      asy_loop_push_ready(vm, w->writer);
  }
}

void asy_poller_mark(VM *vm) {
  AsyLoop *l = &vm->loop;
  for (int i = 0; i < l->watch_cap; i++) {
    if (l->watches[i].reader) asy_gc_mark_obj(vm, (Obj *)l->watches[i].reader);
    if (l->watches[i].writer) asy_gc_mark_obj(vm, (Obj *)l->watches[i].writer);
  }
}

void asy_poller_free(VM *vm) {
  AsyLoop *l = &vm->loop;
  if (l->watches) ASY_FREE(vm, AsyWatch, l->watches, (size_t)l->watch_cap);
  l->watches = NULL;
  l->watch_cap = l->watch_count = l->external_count = 0;
  if (l->epfd > 0) {
    asy_signals_set_wake_fd(-1);
    if (l->wake[0] >= 0) close(l->wake[0]), close(l->wake[1]);
    close(l->epfd);
  }
  l->epfd = 0;
}
