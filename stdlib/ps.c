/*
** ps.c — `asy --ps PID` and `asy --pstree PID`: the tasks of another running asy, as
** `python -m asyncio ps|pstree PID` shows them in 3.14.
**
** The asking process checks that PID runs this same asy binary, sends it SIGUSR1 and
** waits for the table the target writes at its next loop iteration to
** /tmp/asy-PID.tasks (asyncio's _write_task_table: id, name, awaited by, what it waits
** on, coroutine stack; one task per line), prints it and removes the file.
*/
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "vm/signals.h"

typedef struct {
  char *id, *name, *waiters, *doing, *stack;
} PsTask;

static bool same_binary(long pid) {
  char self[PATH_MAX], other[PATH_MAX], link[64];
  ssize_t a = readlink("/proc/self/exe", self, sizeof self - 1);
  snprintf(link, sizeof link, "/proc/%ld/exe", pid);
  ssize_t b = readlink(link, other, sizeof other - 1);
  if (a < 0 || b < 0) return false;
  self[a] = other[b] = '\0';
  return strcmp(self, other) == 0;
}

static char *field(char **p) {
  char *s = *p, *tab = strchr(s, '\t');
  if (tab) *tab = '\0', *p = tab + 1;
  else *p = s + strlen(s);
  return s;
}

static int find(PsTask *t, int n, const char *id) {
  for (int i = 0; i < n; i++)
    if (strcmp(t[i].id, id) == 0) return i;
  return -1;
}

/* The first waiter of task i that is itself in the table, or -1. */
static int parent_of(PsTask *t, int n, int i) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s", t[i].waiters);
  for (char *w = strtok(buf, ","); w; w = strtok(NULL, ",")) {
    int k = find(t, n, w);
    if (k >= 0 && k != i) return k;
  }
  return -1;
}

static void print_tree(PsTask *t, int n, int i, const char *prefix, bool last, int depth) {
  printf("%s%s(T) %s  %s\n", prefix, last ? "└── " : "├── ", t[i].name, t[i].doing);
  char next[512];
  snprintf(next, sizeof next, "%s%s", prefix, last ? "    " : "│   ");
  int kids[256], nk = 0;
  for (int k = 0; k < n && nk < 256; k++)
    if (parent_of(t, n, k) == i) kids[nk++] = k;
  if (depth > 64) return;
  for (int k = 0; k < nk; k++) print_tree(t, n, kids[k], next, k == nk - 1, depth + 1);
}

int asy_ps(long pid, bool tree) {
  if (pid <= 0 || kill((pid_t)pid, 0) != 0) {
    fprintf(stderr, "asy: no process %ld\n", pid);
    return 1;
  }
  if (!same_binary(pid)) {
    fprintf(stderr, "asy: process %ld is not running this asy\n", pid);
    return 1;
  }
  const char *path = asy_signals_ps_path(pid);
  unlink(path);
  kill((pid_t)pid, SIGUSR1);
  FILE *f = NULL;
  for (int i = 0; i < 100 && !f; i++) { /* up to 5 s: the answer comes from its loop */
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    f = fopen(path, "r");
  }
  if (!f) {
    fprintf(stderr, "asy: process %ld did not answer (is its event loop running?)\n", pid);
    return 1;
  }
  PsTask tasks[1024];
  char *lines[1024];
  int n = 0;
  char buf[4096];
  while (n < 1024 && fgets(buf, sizeof buf, f)) {
    buf[strcspn(buf, "\n")] = '\0';
    lines[n] = strdup(buf);
    char *p = lines[n];
    tasks[n].id = field(&p), tasks[n].name = field(&p), tasks[n].waiters = field(&p);
    tasks[n].doing = field(&p), tasks[n].stack = field(&p);
    n++;
  }
  fclose(f);
  unlink(path);
  if (tree) {
    int roots[1024], nr = 0;
    for (int i = 0; i < n; i++)
      if (parent_of(tasks, n, i) < 0) roots[nr++] = i;
    for (int r = 0; r < nr; r++) print_tree(tasks, n, roots[r], "", r == nr - 1, 0);
  } else {
    printf("%-16s %-20s %-50s %-16s %s\n", "task id", "task name", "waits", "awaited by",
           "coroutine stack");
    for (int i = 0; i < 130; i++) putchar('-');
    putchar('\n');
    for (int i = 0; i < n; i++) {
      int p = parent_of(tasks, n, i);
      printf("%-16s %-20s %-50s %-16s %s\n", tasks[i].id, tasks[i].name, tasks[i].doing,
             p >= 0 ? tasks[p].name : "-", tasks[i].stack);
    }
  }
  for (int i = 0; i < n; i++) free(lines[i]);
  return 0;
}
