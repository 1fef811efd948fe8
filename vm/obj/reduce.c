/*
** reduce.c — the steps of sum(), min()/max() and any()/all() (reduce.h).
*/
#include <math.h>

#include "vm/gc.h"
#include "vm/obj/number.h"
#include "vm/obj/reduce.h"
#include "vm/obj/str.h"
#include "vm/opcodes.h"

void asy_sum_start(AsySum *s, Value start) {
  *s = (AsySum){.result = start};
  if (IS_INT(start)) {
    s->phase = SUM_INT;
    s->i = AS_INT(start);
  } else if (IS_FLOAT(start)) {
    s->phase = SUM_FLOAT;
    s->f = AS_FLOAT(start);
  } else {
    s->phase = SUM_GENERIC;
  }
}

bool asy_sum_add_plain(AsySum *s, Value item) {
  if (s->phase == SUM_INT) {
    int64_t r;
    if (!IS_INTLIKE(item) || __builtin_add_overflow(s->i, AS_INTLIKE(item), &r)) return false;
    s->i = r;
    return true;
  }
  if (s->phase != SUM_FLOAT) return false;
  if (IS_FLOAT(item)) { /* Neumaier: the low-order bits the addition lost */
    double x = AS_FLOAT(item), t = s->f + x;
    if (fabs(s->f) >= fabs(x)) s->c += (s->f - t) + x;
    else s->c += (x - t) + s->f;
    s->f = t;
    return true;
  }
  if (IS_INTLIKE(item)) {
    s->f += (double)AS_INTLIKE(item);
    return true;
  }
  return false;
}

/* The float phase's total with its compensation applied. */
static double compensated(const AsySum *s) {
  return s->c != 0.0 && isfinite(s->c) ? s->f + s->c : s->f;
}

bool asy_sum_add(VM *vm, AsySum *s, Value item) {
  if (asy_sum_add_plain(s, item)) return true;
  /* Leaving the int or float phase: the generic `+` from the total so far. */
  Value total = asy_sum_total(s);
  asy_push_root(vm, total);
  Value r = asy_binary_op(vm, BINOP_ADD, total, item);
  if (IS_EXC(r)) return false;
  asy_push_root(vm, r);
  if (s->phase == SUM_INT && IS_FLOAT(r)) { /* an int total met its first float */
    s->phase = SUM_FLOAT;
    s->f = AS_FLOAT(r);
    s->c = 0.0;
    return true;
  }
  s->phase = SUM_GENERIC;
  s->result = r;
  return true;
}

Value asy_sum_total(const AsySum *s) {
  switch (s->phase) {
  case SUM_INT: return INT_VAL(s->i);
  case SUM_FLOAT: return FLOAT_VAL(compensated(s));
  default: return s->result;
  }
}

int asy_min_max_better_plain(VM *vm, int op, Value item, Value best) {
  if (IS_INT(item) && IS_INT(best))
    return op == CMP_LT ? AS_INT(item) < AS_INT(best) : AS_INT(item) > AS_INT(best);
  if (IS_FLOAT(item) && IS_FLOAT(best))
    return op == CMP_LT ? AS_FLOAT(item) < AS_FLOAT(best) : AS_FLOAT(item) > AS_FLOAT(best);
  if (!IS_OBJ(item) && !IS_OBJ(best) && (IS_INTLIKE(item) || IS_FLOAT(item)) &&
      (IS_INTLIKE(best) || IS_FLOAT(best)))
    return AS_BOOL(asy_number_compare(vm, op, item, best));
  if (IS_STR(item) && IS_STR(best) && AS_OBJ(item)->cls == vm->types.str &&
      AS_OBJ(best)->cls == vm->types.str)
    return AS_BOOL(asy_str_compare(vm, op, AS_STR(item), AS_STR(best)));
  return -1;
}

int asy_min_max_better(VM *vm, int op, Value item, Value best) {
  int plain = asy_min_max_better_plain(vm, op, item, best);
  if (plain >= 0) return plain;
  Value r = asy_compare(vm, op, item, best);
  if (IS_EXC(r)) return -1;
  if (IS_BOOL(r)) return AS_BOOL(r);
  return asy_truthy(vm, r);
}

int asy_truthy_plain(VM *vm, Value v) {
  if (!IS_OBJ(v)) return asy_truthy_scalar(v);
  Obj *o = AS_OBJ(v);
  switch (o->type) {
  case OBJ_STR: return o->cls == vm->types.str ? ((ObjStr *)o)->size != 0 : -1;
  case OBJ_TUPLE: return o->cls == vm->types.tuple ? ((ObjTuple *)o)->size != 0 : -1;
  case OBJ_LIST: return o->cls == vm->types.list ? ((ObjList *)o)->size != 0 : -1;
  case OBJ_DICT: return o->cls == vm->types.dict ? ((ObjDict *)o)->count != 0 : -1;
  default: return -1;
  }
}
