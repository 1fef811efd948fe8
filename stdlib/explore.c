/*
** explore.c — `asy --explore N prog.asy`: run a program under N schedules and show each
** different outcome once.
**
** Each run is this same binary on the virtual clock with `--schedule random:SEED` (seeds
** 1..N), its stdout and stderr captured together, in the order written. Runs that print
** the same thing and exit the same way are one outcome; each outcome is printed once,
** with how many seeds gave it and a command that replays it. A race (a read-modify-write
** across an `await` without a Lock) shows up as two outcomes and goes away with the Lock.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"

typedef struct {
  char *text;
  size_t len;
  int status;
  int count, first_seed;
  char seeds[200]; /* "1, 4, 9, ..." */
} Outcome;

/* Run argv with stdout and stderr into one pipe; returns the output, sets *status. */
static char *run_once(char **argv, size_t *len, int *status) {
  int fd[2];
  if (pipe(fd) != 0) return NULL;
  pid_t pid = fork();
  if (pid < 0) return NULL;
  if (pid == 0) {
    dup2(fd[1], STDOUT_FILENO);
    dup2(fd[1], STDERR_FILENO);
    close(fd[0]);
    close(fd[1]);
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  close(fd[1]);
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) break;
    if (n + 1024 > cap) {
      char *b = realloc(buf, cap *= 2);
      if (!b) break;
      buf = b;
    }
    ssize_t r = read(fd[0], buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fd[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  if (buf) buf[n] = '\0';
  *len = n;
  return buf;
}

int asy_explore(int runs, int argc, char **argv) {
  /* argv: the command line without --explore N; the runs add the clock and a seed. */
  char **child = calloc((size_t)argc + 4, sizeof(char *));
  char seed_arg[48];
  if (!child) return 1;
  child[0] = argv[0];
  child[1] = "--virtual-time";
  child[2] = "--schedule";
  child[3] = seed_arg;
  for (int i = 1; i < argc; i++) child[3 + i] = argv[i];
  Outcome *out = calloc((size_t)runs, sizeof(Outcome));
  int distinct = 0;
  if (!out) return 1;
  for (int seed = 1; seed <= runs; seed++) {
    snprintf(seed_arg, sizeof seed_arg, "random:%d", seed);
    size_t len = 0;
    int status = 0;
    char *text = run_once(child, &len, &status);
    if (!text) {
      fprintf(stderr, "asy: --explore could not run the program: %s\n", strerror(errno));
      return 1;
    }
    int k = 0;
    while (k < distinct && !(out[k].status == status && out[k].len == len &&
                             memcmp(out[k].text, text, len) == 0))
      k++;
    if (k == distinct) {
      out[k].text = text;
      out[k].len = len;
      out[k].status = status;
      out[k].first_seed = seed;
      distinct++;
    } else {
      free(text);
    }
    Outcome *o = &out[k];
    size_t used = strlen(o->seeds);
    if (used + 16 < sizeof o->seeds)
      snprintf(o->seeds + used, sizeof o->seeds - used, "%s%d", o->count ? ", " : "", seed);
    else if (!strstr(o->seeds, "..."))
      snprintf(o->seeds + used, sizeof o->seeds - used, ", ...");
    o->count++;
  }
  /* The replay command: the program's own arguments after the options. */
  char replay[512] = "";
  for (int i = 1; i < argc; i++) {
    size_t used = strlen(replay);
    snprintf(replay + used, sizeof replay - used, " %s", argv[i]);
  }
  for (int k = 0; k < distinct; k++) {
    Outcome *o = &out[k];
    printf("=== outcome %d of %d: %d run%s (seed%s %s), exit status %d\n", k + 1, distinct,
           o->count, o->count == 1 ? "" : "s", o->count == 1 ? "" : "s", o->seeds, o->status);
    printf("    replay: asy --virtual-time --schedule random:%d%s\n", o->first_seed, replay);
    fwrite(o->text, 1, o->len, stdout);
    if (o->len && o->text[o->len - 1] != '\n') putchar('\n');
    free(o->text);
  }
  printf("explore: %d run%s, %d different outcome%s%s\n", runs, runs == 1 ? "" : "s", distinct,
         distinct == 1 ? "" : "s",
         distinct == 1 ? "" : " (the result depends on the order tasks run in)");
  free(out);
  free(child);
  return 0;
}
