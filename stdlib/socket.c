/*
** socket.c — `_socket`: non-blocking TCP sockets by file descriptor, the few calls
** asyncio's streams need (stdlib/lib/_asyncio_streams.asy builds transports on them and
** stdlib/lib/socket.asy the visible socket objects).
**
** Every socket is created non-blocking and close-on-exec; calls that would block report
** it (None, 0 or the errno) instead of raising, as the selector loop expects. Name
** resolution is getaddrinfo, which blocks: fine for numeric addresses and localhost.
** fd-level read/write also serve the pipes of child processes.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "stdlib/net_modules.h"
#include "vm/gc.h"
#include "vm/obj/bytes.h"
#include "vm/obj/tuple.h"
#include "vm/poller.h"

Value asy_std_raise_oserror(VM *vm, int err) {
  /* Through the OSError constructor, which picks the subclass for the errno
  ** (ConnectionRefusedError, ConnectionResetError...). */
  Value args[2] = {INT_VAL(err), STR_VAL(vm, strerror(err))};
  Value e = asy_call(vm, OBJ_VAL(vm->exc.OSError), 2, args, NULL);
  return IS_EXC(e) ? e : asy_raise_value(vm, e);
}

/* The first n arguments as C ints (ints and IntEnums such as AddressFamily). */
static bool int_args(VM *vm, const Value *args, int n, int *out) {
  for (int k = 0; k < n; k++) {
    int64_t i;
    if (!asy_index(vm, args[k], &i)) return false;
    out[k] = (int)i;
  }
  return true;
}

/* (host, port) to a sockaddr of the family the numeric host is written in. */
static bool sockaddr_of(VM *vm, Value host, Value port, struct sockaddr_storage *ss,
                        socklen_t *len) {
  if (!IS_STR(host) || !IS_INT(port) || AS_INT(port) < 0 || AS_INT(port) > 65535) {
    asy_raise(vm, vm->exc.TypeError, "an address must be a (str, int) pair");
    return false;
  }
  const char *h = AS_STR(host)->chars;
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (*h == '\0' || inet_pton(AF_INET, h, &a4->sin_addr) == 1) {
    if (*h == '\0') a4->sin_addr.s_addr = htonl(INADDR_ANY);
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)AS_INT(port));
    *len = sizeof *a4;
    return true;
  }
  if (inet_pton(AF_INET6, h, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)AS_INT(port));
    *len = sizeof *a6;
    return true;
  }
  asy_raise(vm, vm->exc.OSError, "illegal IP address string passed to inet_pton");
  return false;
}

/* A sockaddr as Python shows it: (host, port) or (host, port, flowinfo, scope_id). */
static Value address_value(VM *vm, const struct sockaddr_storage *ss) {
  char text[INET6_ADDRSTRLEN];
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &a4->sin_addr, text, sizeof text);
    Value items[2] = {STR_VAL(vm, text), INT_VAL(ntohs(a4->sin_port))};
    return OBJ_VAL(asy_tuple_from(vm, 2, items));
  }
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &a6->sin6_addr, text, sizeof text);
    Value items[4] = {STR_VAL(vm, text), INT_VAL(ntohs(a6->sin6_port)),
                      INT_VAL(ntohl(a6->sin6_flowinfo)), INT_VAL(a6->sin6_scope_id)};
    return OBJ_VAL(asy_tuple_from(vm, 4, items));
  }
  if (ss->ss_family == AF_UNIX) return STR_VAL(vm, ((const struct sockaddr_un *)ss)->sun_path);
  return NONE_VAL;
}

/* socket(family, type) -> a non-blocking, close-on-exec fd */
static Value s_socket(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int a[2]; /* family, type */
  if (!int_args(vm, args, 2, a)) return EXC_VAL;
  int fd = socket(a[0], a[1] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return asy_std_raise_oserror(vm, errno);
  return INT_VAL(fd);
}

/* setsockopt(fd, level, option, int value) */
static Value s_setsockopt(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int a[4]; /* fd, level, option, value */
  if (!int_args(vm, args, 4, a)) return EXC_VAL;
  if (setsockopt(a[0], a[1], a[2], &a[3], sizeof a[3]) != 0)
    return asy_std_raise_oserror(vm, errno);
  return NONE_VAL;
}

/* getsockopt(fd, level, option) -> int */
static Value s_getsockopt(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int a[3], val = 0; /* fd, level, option */
  socklen_t len = sizeof val;
  if (!int_args(vm, args, 3, a)) return EXC_VAL;
  if (getsockopt(a[0], a[1], a[2], &val, &len) != 0) return asy_std_raise_oserror(vm, errno);
  return INT_VAL(val);
}

/* bind(fd, host, port) */
static Value s_bind(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  struct sockaddr_storage ss;
  socklen_t len;
  if (!int_args(vm, args, 1, &fd) || !sockaddr_of(vm, args[1], args[2], &ss, &len)) return EXC_VAL;
  if (bind(fd, (struct sockaddr *)&ss, len) != 0) return asy_std_raise_oserror(vm, errno);
  return NONE_VAL;
}

/* listen(fd, backlog) */
static Value s_listen(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int a[2]; /* fd, backlog */
  if (!int_args(vm, args, 2, a)) return EXC_VAL;
  if (listen(a[0], a[1]) != 0) return asy_std_raise_oserror(vm, errno);
  return NONE_VAL;
}

/* connect(fd, host, port) -> 0 when connected, else the errno (EINPROGRESS: wait for
** writability, then ask getsockopt SO_ERROR) */
static Value s_connect(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  struct sockaddr_storage ss;
  socklen_t len;
  if (!int_args(vm, args, 1, &fd) || !sockaddr_of(vm, args[1], args[2], &ss, &len)) return EXC_VAL;
  int r;
  do r = connect(fd, (struct sockaddr *)&ss, len);
  while (r != 0 && errno == EINTR);
  return INT_VAL(r == 0 ? 0 : errno);
}

/* accept(fd) -> (new fd, peer address), or None when no connection waits */
static Value s_accept(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  if (!int_args(vm, args, 1, &fd)) return EXC_VAL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int c;
  do c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (c < 0 && errno == EINTR);
  if (c < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return NONE_VAL;
    return asy_std_raise_oserror(vm, errno);
  }
  Value addr = address_value(vm, &ss);
  asy_push_root(vm, addr);
  Value items[2] = {INT_VAL(c), addr};
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

/* read(fd, n) -> up to n bytes (b'' at end of file), or None when none are there yet */
static Value s_read(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int a[2]; /* fd, n */
  if (!int_args(vm, args, 2, a)) return EXC_VAL;
  int fd = a[0], n = a[1];
  static uint8_t buf[256 * 1024]; /* one read at a time: the interpreter is single-threaded */
  if (n < 0 || (size_t)n > sizeof buf) n = (int)sizeof buf;
  ssize_t got;
  do got = read(fd, buf, (size_t)n);
  while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return NONE_VAL;
    return asy_std_raise_oserror(vm, errno);
  }
  return OBJ_VAL(asy_bytes_new(vm, buf, (size_t)got));
}

/* write(fd, data, start) -> how many bytes of data[start:] were written (0: would block).
** Sockets are written without SIGPIPE; a closed peer raises BrokenPipeError. */
static Value s_write(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  if (!int_args(vm, args, 1, &fd)) return EXC_VAL;
  if (!IS_BYTES(args[1])) return asy_raise(vm, vm->exc.TypeError, "data must be bytes");
  ObjBytes *b = AS_BYTES(args[1]);
  size_t start = IS_INT(args[2]) && AS_INT(args[2]) > 0 ? (size_t)AS_INT(args[2]) : 0;
  if (start >= b->size) return INT_VAL(0);
  ssize_t put;
  do {
    put = send(fd, b->data + start, b->size - start, MSG_NOSIGNAL);
    if (put < 0 && errno == ENOTSOCK) put = write(fd, b->data + start, b->size - start);
  } while (put < 0 && errno == EINTR);
  if (put < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return INT_VAL(0);
    return asy_std_raise_oserror(vm, errno);
  }
  return INT_VAL(put);
}

/* shutdown(fd, how) */
static Value s_shutdown(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int a[2]; /* fd, how */
  if (!int_args(vm, args, 2, a)) return EXC_VAL;
  if (shutdown(a[0], a[1]) != 0) return asy_std_raise_oserror(vm, errno);
  return NONE_VAL;
}

/* close(fd): errors are ignored (the fd is gone either way) */
static Value s_close(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  if (!int_args(vm, args, 1, &fd)) return EXC_VAL;
  if (fd >= 0) close(fd);
  return NONE_VAL;
}

static Value sock_name(VM *vm, Value fdv, bool peer) {
  int fd;
  if (!int_args(vm, &fdv, 1, &fd)) return EXC_VAL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
               : getsockname(fd, (struct sockaddr *)&ss, &len);
  if (r != 0) return asy_std_raise_oserror(vm, errno);
  return address_value(vm, &ss);
}

/* getsockname(fd) / getpeername(fd) -> the address */
static Value s_getsockname(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  return sock_name(vm, args[0], false);
}

static Value s_getpeername(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  return sock_name(vm, args[0], true);
}

/* getaddrinfo(host or None, port, family) -> [(family, host, port)...] for TCP, in the
** resolver's order; socket.gaierror's text on failure. */
static Value s_getaddrinfo(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int family;
  if (!int_args(vm, args + 2, 1, &family)) return EXC_VAL;
  const char *host = IS_STR(args[0]) ? AS_STR(args[0])->chars : NULL;
  char port[16];
  snprintf(port, sizeof port, "%lld", IS_INT(args[1]) ? (long long)AS_INT(args[1]) : 0LL);
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (host ? 0 : AI_PASSIVE);
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    Value items[2] = {INT_VAL(rc), STR_VAL(vm, gai_strerror(rc))};
    return OBJ_VAL(asy_tuple_from(vm, 2, items));
  }
  ObjList *out = asy_list_new(vm, 0);
  asy_push_root(vm, OBJ_VAL(out));
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    Value addr = address_value(vm, &ss);
    if (!IS_OBJ_TYPE(addr, OBJ_TUPLE)) continue;
    asy_push_root(vm, addr);
    Value items[2] = {INT_VAL(ai->ai_family), addr};
    asy_list_append(vm, out, OBJ_VAL(asy_tuple_from(vm, 2, items)));
  }
  freeaddrinfo(res);
  return OBJ_VAL(out);
}

/* watch(fd, writer, callback, *args): the loop calls callback(*args) while fd is
** readable (writable); the fd counts as external (poller.h): a transport's socket or
** pipe waits on the world outside. */
static Value s_watch(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "watch", argc, kw, 3, ASY_VARARGS)) return EXC_VAL;
  int fd;
  if (!int_args(vm, args, 1, &fd)) return EXC_VAL;
  bool writer = asy_truthy(vm, args[1]);
  Value a = OBJ_VAL(asy_tuple_from(vm, (size_t)(argc - 3), args + 3));
  ObjHandle *h = writer ? asy_poller_add_writer(vm, fd, args[2], a, NONE_VAL)
                        : asy_poller_add_reader(vm, fd, args[2], a, NONE_VAL);
  if (!h) return EXC_VAL;
  asy_poller_set_external(vm, fd, true);
  return NONE_VAL;
}

/* unwatch(fd, writer) -> True if fd was watched that way */
static Value s_unwatch(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  if (!int_args(vm, args, 1, &fd)) return EXC_VAL;
  bool writer = asy_truthy(vm, args[1]);
  return BOOL_VAL(writer ? asy_poller_remove_writer(vm, fd) : asy_poller_remove_reader(vm, fd));
}

/* collect(): a full collection now. A server's handler that returns with its writer
** open leaves it to the writer's __del__ to close the connection, which CPython's
** reference counting runs at once: finding out whether the writer is garbage takes a
** collection here. */
static Value s_collect(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  asy_gc_collect(vm);
  return NONE_VAL;
}

/* watching(fd) -> (watched for reading, watched for writing), for transports' reprs */
static Value s_watching(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  if (!int_args(vm, args, 1, &fd)) return EXC_VAL;
  bool r, w;
  asy_poller_watching(vm, fd, &r, &w);
  Value items[2] = {BOOL_VAL(r), BOOL_VAL(w)};
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

/* clang-format off */
static const AsyMethodDef socket_functions[] = {
  {"watching", s_watching, 1, 1, ASY_ARGS_AUTO},
  {"collect", s_collect, 0, 0, ASY_ARGS_AUTO},
  {"watch", s_watch, ASY_UNCHECKED}, {"unwatch", s_unwatch, 2, 2, ASY_ARGS_AUTO},
  {"socket", s_socket, 2, 2, ASY_ARGS_AUTO},
  {"setsockopt", s_setsockopt, 4, 4, ASY_ARGS_AUTO},
  {"getsockopt", s_getsockopt, 3, 3, ASY_ARGS_AUTO},
  {"bind", s_bind, 3, 3, ASY_ARGS_AUTO}, {"listen", s_listen, 2, 2, ASY_ARGS_AUTO},
  {"connect", s_connect, 3, 3, ASY_ARGS_AUTO}, {"accept", s_accept, 1, 1, ASY_ARGS_AUTO},
  {"read", s_read, 2, 2, ASY_ARGS_AUTO}, {"write", s_write, 3, 3, ASY_ARGS_AUTO},
  {"shutdown", s_shutdown, 2, 2, ASY_ARGS_AUTO}, {"close", s_close, 1, 1, ASY_ARGS_AUTO},
  {"getsockname", s_getsockname, 1, 1, ASY_ARGS_AUTO},
  {"getpeername", s_getpeername, 1, 1, ASY_ARGS_AUTO},
  {"getaddrinfo", s_getaddrinfo, 3, 3, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_socket_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  /* A program that serves sockets needs fds: raise the soft limit to the hard one, as
  ** Go and the JVM do at start-up (a server with 1,000 clients holds 2,000 fds; many
  ** systems start with a soft limit of 1,024). */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  ObjDict *d = AS_MODULE(args[0])->dict;
  asy_def_natives(vm, NULL, d, socket_functions);
  static const struct {
    const char *name;
    int value;
  } constants[] = {
      {"AF_UNSPEC", AF_UNSPEC},       {"AF_INET", AF_INET},           {"AF_INET6", AF_INET6},
      {"AF_UNIX", AF_UNIX},           {"SOCK_STREAM", SOCK_STREAM},   {"SOCK_DGRAM", SOCK_DGRAM},
      {"SOL_SOCKET", SOL_SOCKET},     {"SO_REUSEADDR", SO_REUSEADDR}, {"SO_ERROR", SO_ERROR},
      {"SO_KEEPALIVE", SO_KEEPALIVE}, {"IPPROTO_TCP", IPPROTO_TCP},   {"TCP_NODELAY", TCP_NODELAY},
      {"SHUT_RD", SHUT_RD},           {"SHUT_WR", SHUT_WR},           {"SHUT_RDWR", SHUT_RDWR},
      {"SOMAXCONN", SOMAXCONN},       {"EINPROGRESS", EINPROGRESS},   {"EAGAIN", EAGAIN},
      {"IPPROTO_IPV6", IPPROTO_IPV6}, {"IPV6_V6ONLY", IPV6_V6ONLY},
  };
  for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
    asy_def_value(vm, d, constants[i].name, INT_VAL(constants[i].value));
  return NONE_VAL;
}
