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

static bool ensure_epoll(VM *vm) {
  AsyLoop *l = &vm->loop;
  if (l->epfd > 0) return true;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) {
    asy_raise_errno(vm, errno, NULL);
    return false;
  }
  l->epfd = fd;
  /* Ctrl-C wakes the wait through a pipe: no race with a signal that lands between the
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

bool asy_poller_ensure(VM *vm) { return ensure_epoll(vm); }

void asy_poller_wake(VM *vm) {
  int fd = vm->loop.wake[1];
  if (vm->loop.epfd > 0 && fd >= 0) {
    char b = 0;
    ssize_t n = write(fd, &b, 1); /* a full pipe already wakes the loop */
    (void)n;
  }
}

ObjHandle *asy_poller_add_reader(VM *vm, int fd, Value callback, Value args, Value context) {
  AsyLoop *l = &vm->loop;
  if (fd < 0) {
    asy_raise(vm, vm->exc.ValueError, "Invalid file descriptor: %d", fd);
    return NULL;
  }
  if (!ensure_epoll(vm)) return NULL;
  ObjHandle *h = asy_loop_new_handle(vm, callback, args, context);
  bool had = fd < l->reader_cap && l->readers[fd];
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u64 = (uint64_t)fd;
  if (epoll_ctl(l->epfd, had ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
    asy_raise_errno(vm, errno, NULL);
    return NULL;
  }
  if (fd >= l->reader_cap) {
    int cap = l->reader_cap ? l->reader_cap : 16;
    while (cap <= fd) cap *= 2;
    l->readers = ASY_GROW(vm, ObjHandle *, l->readers, (size_t)l->reader_cap, (size_t)cap);
    memset(l->readers + l->reader_cap, 0, sizeof(ObjHandle *) * (size_t)(cap - l->reader_cap));
    l->reader_cap = cap;
  }
  if (had) l->readers[fd]->cancelled = true;
  else l->reader_count++;
  l->readers[fd] = h;
  return h;
}

bool asy_poller_remove_reader(VM *vm, int fd) {
  AsyLoop *l = &vm->loop;
  if (fd < 0 || fd >= l->reader_cap || !l->readers[fd]) return false;
  epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
  l->readers[fd]->cancelled = true;
  l->readers[fd] = NULL;
  l->reader_count--;
  return true;
}

int asy_poller_count(VM *vm) { return vm->loop.reader_count; }

void asy_poller_wait(VM *vm, double timeout) {
  AsyLoop *l = &vm->loop;
  int ms = -1;
  if (timeout >= 0) {
    double t = timeout * 1e3;
    ms = t > 2e9 ? 2000000000 : (int)t;
    if ((double)ms < t) ms++; /* round up: never wake before the timer is due */
  }
  if (ASY_INTERRUPTED(vm)) ms = 0;
  struct epoll_event evs[32];
  AsyThreadState *ts = asy_gil_release(vm); /* workers run while the loop waits */
  int n = epoll_wait(l->epfd, evs, 32, ms);
  asy_gil_restore(vm, ts);
  for (int i = 0; i < n; i++) {
    if (evs[i].data.u64 == WAKE_TAG) {
      char buf[64];
      while (read(l->wake[0], buf, sizeof buf) > 0) {
      }
      continue;
    }
    int fd = (int)evs[i].data.u64;
    if (fd < l->reader_cap && l->readers[fd] && !l->readers[fd]->cancelled)
      asy_loop_push_ready(vm, l->readers[fd]);
  }
}

void asy_poller_mark(VM *vm) {
  AsyLoop *l = &vm->loop;
  for (int i = 0; i < l->reader_cap; i++)
    if (l->readers[i]) asy_gc_mark_obj(vm, (Obj *)l->readers[i]);
}

void asy_poller_free(VM *vm) {
  AsyLoop *l = &vm->loop;
  if (l->readers) ASY_FREE(vm, ObjHandle *, l->readers, (size_t)l->reader_cap);
  l->readers = NULL;
  l->reader_cap = l->reader_count = 0;
  if (l->epfd > 0) {
    asy_signals_set_wake_fd(-1);
    if (l->wake[0] >= 0) close(l->wake[0]), close(l->wake[1]);
    close(l->epfd);
  }
  l->epfd = 0;
}
