/*
** ptydrive.c — drive a program on a pseudo-terminal for the REPL tests.
**
** usage: ptydrive SCRIPT PROGRAM [ARG...]
** SCRIPT holds one command per line (blank lines and lines starting with '#' skipped):
**   send TEXT      type TEXT (C escapes: \r \n \t \e \\ \xHH; ^C is \x03, ^D is \x04,
**                  the up arrow \e[A)
**   expect TEXT    wait (10 s at most) until the screen output, with escape sequences and
**                  carriage returns removed, contains TEXT after the previous match
**   expect-raw TEXT  the same on the raw output, escape sequences included
**   sleep MS       wait, reading output meanwhile
**   status N       wait for the program to exit and check its exit status
** Prints the whole output and exits 1 on the first failed step, 0 when all pass.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *screen; /* output so far, escapes stripped */
static size_t screen_len, screen_cap, matched;
static char *raw; /* output so far, as written */
static size_t raw_len, raw_cap, raw_matched;
static int esc_state; /* 0 text, 1 after ESC, 2 in CSI, 3 in OSC */

static void screen_put(char c) {
  if (screen_len + 2 > screen_cap) {
    screen_cap = screen_cap ? screen_cap * 2 : 4096;
    screen = realloc(screen, screen_cap);
    if (!screen) exit(2);
  }
  screen[screen_len++] = c;
  screen[screen_len] = '\0';
}

static void absorb(const char *buf, ssize_t n) {
  if (raw_len + (size_t)n + 1 > raw_cap) {
    while (raw_len + (size_t)n + 1 > raw_cap) raw_cap = raw_cap ? raw_cap * 2 : 4096;
    raw = realloc(raw, raw_cap);
    if (!raw) exit(2);
  }
  memcpy(raw + raw_len, buf, (size_t)n);
  raw_len += (size_t)n;
  raw[raw_len] = '\0';
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    switch (esc_state) {
    case 0:
      if (c == 0x1b) esc_state = 1;
      else if (c != '\r' && c != '\a' && c != 0x01 && c != 0x02) screen_put((char)c);
      break;
    case 1: esc_state = c == '[' ? 2 : c == ']' ? 3 : 0; break;
    case 2:
      if (c >= 0x40 && c <= 0x7e) esc_state = 0;
      break;
    case 3:
      if (c == '\a') esc_state = 0;
      break;
    }
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read whatever the program writes for up to `secs` seconds (or until EOF). */
static bool pump(int fd, double secs) {
  struct pollfd p = {fd, POLLIN, 0};
  int ms = (int)(secs * 1000);
  if (poll(&p, 1, ms < 0 ? 0 : ms) <= 0) return true;
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) return false;
  absorb(buf, n);
  return true;
}

/* Read output until *buf holds text after *matched (10 s at most); move *matched past it. */
static bool wait_for(int fd, char **buf, size_t *matched, const char *text) {
  double end = now() + 10;
  while (!*buf || !strstr(*buf + *matched, text)) {
    if (now() > end || !pump(fd, 0.1)) {
      if (*buf && strstr(*buf + *matched, text)) break;
      return false;
    }
  }
  *matched = (size_t)(strstr(*buf + *matched, text) - *buf) + strlen(text);
  return true;
}

static size_t unescape(const char *s, char *out) {
  size_t n = 0;
  for (; *s; s++) {
    if (*s != '\\' || !s[1]) {
      out[n++] = *s;
      continue;
    }
    s++;
    switch (*s) {
    case 'r': out[n++] = '\r'; break;
    case 'n': out[n++] = '\n'; break;
    case 't': out[n++] = '\t'; break;
    case 'e': out[n++] = 0x1b; break;
    case 'x': {
      char hex[3] = {s[1], s[1] ? s[2] : 0, 0};
      out[n++] = (char)strtol(hex, NULL, 16);
      s += 2;
      break;
    }
    default: out[n++] = *s; break;
    }
  }
  out[n] = '\0';
  return n;
}

static int fail(const char *what, const char *arg) {
  fprintf(stdout, "FAIL: %s %s\n---- screen ----\n%s\n---- end ----\n", what, arg,
          screen ? screen : "");
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: ptydrive SCRIPT PROGRAM [ARG...]\n");
    return 2;
  }
  FILE *script = fopen(argv[1], "r");
  if (!script) {
    perror(argv[1]);
    return 2;
  }
  struct winsize ws = {24, 100, 0, 0};
  int master;
  pid_t pid = forkpty(&master, NULL, NULL, &ws);
  if (pid < 0) {
    perror("forkpty");
    return 2;
  }
  if (pid == 0) {
    setenv("TERM", "xterm", 1);
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  char line[4096], text[4096];
  int status = 0;
  bool exited = false;
  while (fgets(line, sizeof line, script)) {
    line[strcspn(line, "\n")] = '\0';
    if (!line[0] || line[0] == '#') continue;
    char *arg = strchr(line, ' ');
    arg = arg ? arg + 1 : line + strlen(line);
    if (strncmp(line, "send ", 5) == 0) {
      size_t n = unescape(arg, text);
      if (write(master, text, n) != (ssize_t)n) return fail("write", arg);
      pump(master, 0.05);
    } else if (strncmp(line, "expect ", 7) == 0) {
      unescape(arg, text);
      if (!wait_for(master, &screen, &matched, text)) return fail("expected", arg);
    } else if (strncmp(line, "expect-raw ", 11) == 0) {
      unescape(arg, text);
      if (!wait_for(master, &raw, &raw_matched, text)) return fail("expected raw", arg);
    } else if (strncmp(line, "sleep ", 6) == 0) {
      double end = now() + atoi(arg) / 1000.0;
      while (now() < end && pump(master, end - now())) {
      }
    } else if (strncmp(line, "status ", 7) == 0) {
      double end = now() + 10;
      while (!exited) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) exited = true;
        else if (now() > end) return fail("no exit, wanted status", arg);
        else pump(master, 0.05);
      }
      while (pump(master, 0.05)) {
        struct pollfd p = {master, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0) break;
      }
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (code != atoi(arg)) {
        snprintf(text, sizeof text, "%s, got %d", arg, code);
        return fail("exit status", text);
      }
    } else {
      return fail("unknown command", line);
    }
  }
  if (!exited) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  return 0;
}
