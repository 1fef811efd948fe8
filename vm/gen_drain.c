/*
** gen_drain.c — the decisions and the state of a generator drained by CALL
** (gen_drain.h); the frame handling is the loop's (interp.c).
**
** state[0] is the mode: the kind in its low bits, the flags below, and a sum's phase from
** bit 8. state[1] and state[2] are the kind's own: the collection (list, tuple, set,
** frozenset, sorted), then join's separator; the total, then a float total's
** compensation (sum); the best item so far, UNDEF before the first (min, max); nothing
** (any, all).
*/
#include "vm/gen_drain.h"
#include "vm/obj/list.h"
#include "vm/obj/reduce.h"
#include "vm/obj/set.h"
#include "vm/obj/tuple.h"
#include "vm/opcodes.h"

enum {
  KIND_MASK = 15,
  SLOW_ADDS = 16, /* a set that took an item through the caller: every later one too */
  DECIDED = 32,   /* any()/all() met the item that settles it */
  PHASE_SHIFT = 8
};

static inline int mode_of(const Value *state) { return (int)AS_INT(state[0]); }
static inline int kind_of(const Value *state) { return mode_of(state) & KIND_MASK; }

_Static_assert(DRAIN_KINDS <= sizeof(((VM *)0)->drain_natives) / sizeof(NativeFn),
               "vm.h's drain_natives has a slot for every kind");

void asy_drain_register(VM *vm, int kind, NativeFn fn) { vm->drain_natives[kind] = fn; }

int asy_drain_mode(VM *vm, const Value *slot) {
  Value callable = slot[0], self = slot[1], arg = slot[2];
  if (!IS_OBJ_TYPE(arg, OBJ_GEN)) return -1;
  ObjGen *g = AS_GEN(arg);
  if (g->kind != GEN_GENERATOR || (g->state != GEN_CREATED && g->state != GEN_SUSPENDED))
    return -1;
  if (IS_OBJ_TYPE(callable, OBJ_NATIVE)) {
    ObjNative *nat = AS_NATIVE(callable);
    if (!IS_UNDEF(nat->self)) return -1;
    int kind = DRAIN_SUM;
    while (kind < DRAIN_KINDS && vm->drain_natives[kind] != nat->fn) kind++;
    if (kind == DRAIN_JOIN) return IS_STR(self) || IS_BYTES(self) ? kind : -1;
    return kind < DRAIN_KINDS && IS_UNDEF(self) ? kind : -1;
  }
  if (!IS_OBJ_TYPE(callable, OBJ_CLASS) || !IS_UNDEF(self)) return -1;
  ObjClass *cls = AS_CLASS(callable);
  if (cls == vm->types.list) return DRAIN_LIST;
  if (cls == vm->types.tuple) return DRAIN_TUPLE;
  if (cls == vm->types.set) return DRAIN_SET;
  if (cls == vm->types.frozenset) return DRAIN_FROZENSET;
  return -1;
}

/* A sum's state out of its slots, and back. */
static AsySum sum_load(const Value *state) {
  AsySum s = {.phase = (AsySumPhase)(mode_of(state) >> PHASE_SHIFT)};
  switch (s.phase) {
  case SUM_INT: s.i = AS_INT(state[1]); break;
  case SUM_FLOAT: s.f = AS_FLOAT(state[1]), s.c = AS_FLOAT(state[2]); break;
  default: s.result = state[1]; break;
  }
  return s;
}

static void sum_store(Value *state, const AsySum *s) {
  state[0] = INT_VAL((mode_of(state) & ((1 << PHASE_SHIFT) - 1)) | (int)s->phase << PHASE_SHIFT);
  switch (s->phase) {
  case SUM_INT: state[1] = INT_VAL(s->i); break;
  case SUM_FLOAT: state[1] = FLOAT_VAL(s->f), state[2] = FLOAT_VAL(s->c); break;
  default: state[1] = s->result; break;
  }
}

void asy_drain_begin(VM *vm, int mode, Value *state) {
  Value a = UNDEF_VAL, b = UNDEF_VAL;
  switch (mode) {
  case DRAIN_JOIN: b = state[1]; /* the separator */ /* fall through */
  case DRAIN_LIST:
  case DRAIN_TUPLE:
  case DRAIN_SORTED: a = OBJ_VAL(asy_list_new(vm, 0)); break;
  case DRAIN_SET: a = OBJ_VAL(asy_set_new(vm, vm->types.set)); break;
  case DRAIN_FROZENSET: a = OBJ_VAL(asy_set_new(vm, vm->types.frozenset)); break;
  default: break;
  }
  state[0] = INT_VAL(mode);
  state[1] = a;
  state[2] = b;
  if (mode == DRAIN_SUM) { /* sum()'s start, 0 */
    AsySum s;
    asy_sum_start(&s, INT_VAL(0));
    sum_store(state, &s);
  }
}

/* An immediate or an exact str: hashing and comparing it run no user code. */
static inline bool plain_scalar(VM *vm, Value v) {
  return !IS_OBJ(v) || (OBJ_TYPE(v) == OBJ_STR && AS_OBJ(v)->cls == vm->types.str);
}

/* Can v go into a drain's set without running user code? */
static bool plain_key(VM *vm, Value v) {
  if (plain_scalar(vm, v)) return true;
  if (OBJ_TYPE(v) != OBJ_TUPLE || AS_OBJ(v)->cls != vm->types.tuple) return false;
  ObjTuple *t = AS_TUPLE(v);
  for (size_t i = 0; i < t->size; i++)
    if (!plain_scalar(vm, t->items[i])) return false;
  return true;
}

bool asy_drain_take_plain(VM *vm, Value *state, Value v) {
  switch (kind_of(state)) {
  case DRAIN_LIST:
  case DRAIN_TUPLE:
  case DRAIN_SORTED:
  case DRAIN_JOIN: asy_list_append(vm, AS_LIST(state[1]), v); return true;
  case DRAIN_SET:
  case DRAIN_FROZENSET:
    /* (a table that must grow may fail to: MemoryError goes through the caller) */
    if ((mode_of(state) & SLOW_ADDS) || !plain_key(vm, v) ||
        !asy_set_add_cannot_grow(AS_SET(state[1])))
      return false;
    asy_set_add(vm, AS_SET(state[1]), v); /* (cannot fail: see set.h) */
    return true;
  case DRAIN_SUM: {
    AsySum s = sum_load(state);
    if (!asy_sum_add_plain(&s, v)) return false;
    sum_store(state, &s);
    return true;
  }
  case DRAIN_MIN:
  case DRAIN_MAX: {
    if (IS_UNDEF(state[1])) {
      state[1] = v;
      return true;
    }
    int better = asy_min_max_better_plain(vm, kind_of(state) == DRAIN_MIN ? CMP_LT : CMP_GT, v,
                                          state[1]);
    if (better < 0) return false;
    if (better) state[1] = v;
    return true;
  }
  default: { /* any, all: an item that settles it goes through the caller */
    int t = asy_truthy_plain(vm, v);
    return t >= 0 && t != (kind_of(state) == DRAIN_ANY);
  }
  }
}

int asy_drain_take(VM *vm, Value *state, Value v) {
  switch (kind_of(state)) {
  case DRAIN_LIST:
  case DRAIN_TUPLE:
  case DRAIN_SORTED:
  case DRAIN_JOIN: asy_list_append(vm, AS_LIST(state[1]), v); return 0;
  case DRAIN_SET:
  case DRAIN_FROZENSET:
    if (!plain_key(vm, v)) state[0] = INT_VAL(mode_of(state) | SLOW_ADDS);
    return asy_set_add(vm, AS_SET(state[1]), v) ? 0 : -1;
  case DRAIN_SUM: {
    AsySum s = sum_load(state);
    if (!asy_sum_add(vm, &s, v)) return -1;
    sum_store(state, &s);
    return 0;
  }
  case DRAIN_MIN:
  case DRAIN_MAX: {
    if (IS_UNDEF(state[1])) {
      state[1] = v;
      return 0;
    }
    int better =
        asy_min_max_better(vm, kind_of(state) == DRAIN_MIN ? CMP_LT : CMP_GT, v, state[1]);
    if (better < 0) return -1;
    if (better) state[1] = v;
    return 0;
  }
  default: {
    int t = asy_truthy(vm, v);
    if (t < 0) return -1;
    if (t != (kind_of(state) == DRAIN_ANY)) return 0;
    state[0] = INT_VAL(mode_of(state) | DECIDED);
    return 1;
  }
  }
}

Value asy_drain_result(VM *vm, Value *state) {
  bool decided = (mode_of(state) & DECIDED) != 0;
  switch (kind_of(state)) {
  case DRAIN_TUPLE: {
    ObjList *l = AS_LIST(state[1]);
    ObjTuple *t = asy_tuple_try_from(vm, vm->types.tuple, l->size, l->items);
    return t ? OBJ_VAL(t) : EXC_VAL;
  }
  case DRAIN_SUM: {
    AsySum s = sum_load(state);
    return asy_sum_total(&s);
  }
  case DRAIN_MIN:
  case DRAIN_MAX:
    if (IS_UNDEF(state[1]))
      return asy_raise(vm, vm->exc.ValueError, "%s() iterable argument is empty",
                       kind_of(state) == DRAIN_MIN ? "min" : "max");
    return state[1];
  case DRAIN_SORTED: {
    Value r = asy_list_sort(vm, AS_LIST(state[1]), NONE_VAL, false);
    return IS_EXC(r) ? r : state[1];
  }
  case DRAIN_JOIN: {
    Value args[2] = {state[2], state[1]}; /* (both stay on the stack) */
    return vm->drain_natives[DRAIN_JOIN](vm, 2, args, NULL);
  }
  case DRAIN_ANY: return BOOL_VAL(decided);
  case DRAIN_ALL: return BOOL_VAL(!decided);
  default: return state[1];
  }
}
