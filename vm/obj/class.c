/*
** class.c — classes and attribute access: the class chain (single inheritance),
** CPython's attribute lookup order with descriptors, setattr/delattr, and the
** `object`, `type`, property, staticmethod, classmethod and super types, and the class
** statement itself (BUILD_CLASS: run the body, make the class, __set_name__,
** __init_subclass__).
**
** Lookup order for `obj.name` (PyObject_GenericGetAttr):
**   1. a data descriptor on the type (a property, or an object whose class has
**      __set__/__delete__) wins;
**   2. then the instance's own __dict__;
**   3. then the type attribute, bound if it is a non-data descriptor (a function →
**      bound method, a native method → a native with self, staticmethod → the
**      function, classmethod → bound to the class, an object with __get__);
**   4. then __getattr__, else AttributeError.
** The special attributes of functions, modules, classes and natives are CPython's
** getset descriptors, so they come first for those objects.
*/
#include <stdio.h>
#include <string.h>

#include "vm/except.h"
#include "vm/finalize.h"
#include "vm/gc.h"
#include "vm/interp.h" /* asy_call_body */
#include "vm/obj/class.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/protocol.h"
#include "vm/obj/range.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"

/* ObjWrapper kinds; a W_MEMBER (a __slots__ entry) keeps its name in fget, its class in fset. */
enum { W_PROPERTY = 0, W_STATIC = 1, W_CLASS = 2, W_MEMBER = 3 };

/* ---- classes ------------------------------------------------------------------- */

ObjClass *asy_class_of(VM *vm, Value v) {
  switch (v.tag) {
  case VAL_NONE: return vm->types.none;
  case VAL_BOOL: return vm->types.bool_;
  case VAL_INT: return vm->types.int_;
  case VAL_FLOAT: return vm->types.float_;
  case VAL_OBJ: return AS_OBJ(v)->cls;
  default: return vm->types.object;
  }
}

const char *asy_type_name(VM *vm, Value v) {
  ObjClass *c = asy_class_of(vm, v);
  return (c->tp_name ? c->tp_name : c->name)->chars;
}
void asy_class_set_c_name(VM *vm, ObjClass *c, const char *module) {
  c->module = OBJ_VAL(asy_str_cstr(vm, module));
  c->tp_name = asy_str_printf(vm, "%s.%s", module, c->name->chars);
}

const char *asy_arg_type_name(VM *vm, Value v) {
  return IS_NONE(v) ? "None" : asy_type_name(vm, v);
}

ObjClass *asy_new_subtype(VM *vm, int argc, const Value *args, ObjClass *base) {
  const char *b = base->name->chars;
  if (argc < 1) {
    asy_raise(vm, vm->exc.TypeError, "%s.__new__(): not enough arguments", b);
    return NULL;
  }
  if (!IS_CLASS(args[0])) {
    asy_raise(vm, vm->exc.TypeError, "%s.__new__(X): X is not a type object (%s)", b,
              asy_type_name(vm, args[0]));
    return NULL;
  }
  ObjClass *c = AS_CLASS(args[0]);
  if (!asy_is_subclass(c, base)) {
    asy_raise(vm, vm->exc.TypeError, "%s.__new__(%s): %s is not a subtype of %s", b,
              c->name->chars, c->name->chars, b);
    return NULL;
  }
  return c;
}

bool asy_is_subclass(ObjClass *sub, ObjClass *cls) {
  if (!sub || !cls) return false;
  ObjClass *c = sub;
  while (c && c->depth > cls->depth) c = c->base;
  if (c == cls) return true;
  if (sub->flags & CLASS_MRO) /* a base off the __base__ chain */
    for (size_t i = 1; i < sub->mro->size; i++)
      if (AS_CLASS(sub->mro->items[i]) == cls) return true;
  /* ExceptionGroup's second base, recognised by class flags: no per-VM pointer needed. */
  if (cls->flags & CLASS_IS_EXCEPTION) {
    for (c = sub; c; c = c->base)
      if (c->flags & CLASS_IS_EXCEPTION_GROUP) return true;
  }
  return false;
}

bool asy_isinstance(VM *vm, Value v, ObjClass *cls) {
  return asy_is_subclass(asy_class_of(vm, v), cls);
}

/* The index of name in class c's own dict, or -1. */
static int64_t own_find(ObjClass *c, ObjStr *name) {
  return c->dict ? asy_dict_find_str(c->dict, name) : -1;
}

Value asy_class_lookup(ObjClass *cls, ObjStr *name) {
  if (cls->flags & CLASS_MRO) {
    for (size_t i = 0; i < cls->mro->size; i++) {
      ObjClass *c = AS_CLASS(cls->mro->items[i]);
      int64_t ix = own_find(c, name);
      if (ix >= 0) return c->dict->entries[ix].value;
    }
    return UNDEF_VAL;
  }
  for (ObjClass *c = cls; c; c = c->base) {
    if (!c->dict) continue;
    Value v = asy_dict_get_str(c->dict, name);
    if (!IS_UNDEF(v)) return v;
  }
  return UNDEF_VAL;
}

/* The cache's walk: marks every dict it reads as one a layout change must invalidate. */
static DictEntry *lookup_entry(ObjClass *c, ObjStr *name) {
  if (!c->dict) return NULL;
  c->dict->class_dict = true; /* from now on its layout changes move the epoch */
  int64_t ix = asy_dict_find_str(c->dict, name);
  return ix >= 0 ? &c->dict->entries[ix] : NULL;
}

/* The cache's miss path, out of line so that a hit stays a few instructions. */
static __attribute__((noinline)) DictEntry *lookup_fill(VM *vm, struct AsyAttrCacheEntry *e,
                                                        ObjClass *cls, ObjStr *name) {
  DictEntry *found = NULL;
  if (cls->flags & CLASS_MRO) {
    for (size_t i = 0; i < cls->mro->size && !found; i++)
      found = lookup_entry(AS_CLASS(cls->mro->items[i]), name);
  } else {
    for (ObjClass *c = cls; c && !found; c = c->base) found = lookup_entry(c, name);
  }
  e->cls = cls;
  e->name = name;
  e->epoch = vm->class_epoch;
  e->entry = found;
  return found;
}

/* The class-dict entry (cls, name) finds along the MRO, or NULL, through the cache. */
static inline DictEntry *class_entry(VM *vm, ObjClass *cls, ObjStr *name) {
  size_t n = sizeof vm->attr_cache / sizeof vm->attr_cache[0];
  struct AsyAttrCacheEntry *e =
      &vm->attr_cache[(((uintptr_t)cls >> 4) ^ ((uintptr_t)name >> 3)) & (n - 1)];
  if (e->cls == cls && e->name == name && e->epoch == vm->class_epoch) return e->entry;
  return lookup_fill(vm, e, cls, name);
}

Value asy_class_lookup_cached(VM *vm, ObjClass *cls, ObjStr *name) {
  DictEntry *e = class_entry(vm, cls, name);
  return e ? e->value : UNDEF_VAL;
}

/* name looked up along type's MRO after `start` (super()); *where gets the class. */
static Value lookup_after(ObjClass *type, ObjClass *start, ObjStr *name, ObjClass **where) {
  if (type->flags & CLASS_MRO) {
    size_t i = 0, n = type->mro->size;
    while (i < n && AS_CLASS(type->mro->items[i]) != start) i++;
    for (i++; i < n; i++) {
      ObjClass *c = AS_CLASS(type->mro->items[i]);
      int64_t ix = own_find(c, name);
      if (ix >= 0) {
        if (where) *where = c;
        return c->dict->entries[ix].value;
      }
    }
    return UNDEF_VAL;
  }
  for (ObjClass *c = start->base; c; c = c->base) {
    int64_t ix = own_find(c, name);
    if (ix >= 0) {
      if (where) *where = c;
      return c->dict->entries[ix].value;
    }
  }
  return UNDEF_VAL;
}

static bool name_is(ObjStr *name, const char *s) { return strcmp(name->chars, s) == 0; }

static ObjStr *intern(VM *vm, const char *s) { return asy_str_intern(vm, s, strlen(s)); }

/* Wrap a native or function into a property/staticmethod/classmethod object. */
static ObjWrapper *wrapper_new(VM *vm, int kind, Value fget) {
  ObjClass *cls = kind == W_PROPERTY ? vm->types.property
                  : kind == W_STATIC ? vm->types.staticmethod
                  : kind == W_MEMBER ? vm->types.member_descriptor
                                     : vm->types.classmethod;
  ObjWrapper *w = (ObjWrapper *)asy_alloc_obj(vm, sizeof(ObjWrapper), OBJ_WRAPPER, cls);
  w->kind = kind;
  w->fget = fget;
  w->fset = w->fdel = w->doc = NONE_VAL;
  return w;
}

ObjWrapper *asy_wrapper_new(VM *vm, int kind, Value fget) { return wrapper_new(vm, kind, fget); }

void asy_def_property(VM *vm, ObjClass *cls, const char *name, NativeFn get) {
  ObjNative *g = asy_native_new(vm, name, get);
  g->owner = cls;
  ObjWrapper *w = wrapper_new(vm, W_PROPERTY, OBJ_VAL(g));
  asy_dict_set_str(vm, cls->dict, g->name, OBJ_VAL(w));
}

/* The module name a class created now belongs to: the running frame's __name__. */
static Value current_module_name(VM *vm) {
  Fiber *f = vm->fiber;
  if (f && f->frame_count > 0) {
    ObjDict *g = f->frames[f->frame_count - 1].globals;
    if (g) {
      Value n = asy_dict_get_str(g, vm->names.name);
      if (IS_STR(n)) return n;
    }
  }
  return OBJ_VAL(vm->names.main);
}

/* ---- multiple inheritance: layout and C3 MRO --------------------------------------- */

/* The class whose C layout instances of c have (CPython's solid_base): up the __base__
** chain while the layout stays the same. object for plain classes. */
static ObjClass *solid_base(VM *vm, ObjClass *c) {
  /* built-ins with immediate values (int, float) count as layouts of their own */
  while (!((c->flags & CLASS_BUILTIN) && c->layout == OBJ_INSTANCE) && c->base &&
         c->base->layout == c->layout)
    c = c->base;
  return c == vm->types.object ? NULL : c;
}

/* __base__ among bases (the one whose layout wins), or NULL after raising the
** layout-conflict error. */
static ObjClass *best_base(VM *vm, ObjTuple *bases) {
  ObjClass *winner = NULL, *best = NULL;
  for (size_t i = 0; i < bases->size; i++) {
    ObjClass *b = AS_CLASS(bases->items[i]);
    ObjClass *sb = solid_base(vm, b);
    if (!best) best = b;
    if (!sb) continue;
    if (!winner || asy_is_subclass(sb, winner)) {
      if (winner != sb) best = b;
      winner = sb;
    } else if (!asy_is_subclass(winner, sb)) {
      asy_raise(vm, vm->exc.TypeError, "multiple bases have instance lay-out conflict");
      return NULL;
    }
  }
  return best;
}

static size_t mro_size(ObjClass *c) {
  if (c->flags & CLASS_MRO) return c->mro->size;
  size_t n = 0;
  for (; c; c = c->base) n++;
  return n;
}

/* C3 linearization of cls with these bases: merge the bases' MROs and the list of bases.
** Sets cls->mro, or raises CPython's "Cannot create a consistent method resolution
** order" error and returns false. */
static bool compute_mro(VM *vm, ObjClass *cls, ObjTuple *bases) {
  size_t nseq = bases->size + 1, total = bases->size;
  for (size_t i = 0; i < bases->size; i++) total += mro_size(AS_CLASS(bases->items[i]));
  /* all sequences back to back in one buffer: seq i is all[start[i] .. start[i+1]) */
  ObjClass **all = ASY_ALLOC(vm, ObjClass *, total);
  size_t *start = ASY_ALLOC(vm, size_t, 2 * nseq + 1), *pos = start + nseq + 1;
  size_t k = 0;
  for (size_t i = 0; i < bases->size; i++) {
    ObjClass *b = AS_CLASS(bases->items[i]);
    start[i] = pos[i] = k;
    if (b->flags & CLASS_MRO)
      for (size_t j = 0; j < b->mro->size; j++) all[k++] = AS_CLASS(b->mro->items[j]);
    else
      for (ObjClass *c = b; c; c = c->base) all[k++] = c;
  }
  start[bases->size] = pos[bases->size] = k;
  for (size_t i = 0; i < bases->size; i++) all[k++] = AS_CLASS(bases->items[i]);
  start[nseq] = k;
  ObjTuple *out = asy_tuple_new(vm, total + 1);
  size_t n = 0;
  out->items[n++] = OBJ_VAL(cls);
  bool ok = true;
  for (;;) {
    ObjClass *pick = NULL;
    bool left = false;
    for (size_t i = 0; i < nseq && !pick; i++) {
      if (pos[i] >= start[i + 1]) continue;
      left = true;
      ObjClass *head = all[pos[i]];
      bool in_tail = false;
      for (size_t j = 0; j < nseq && !in_tail; j++)
        for (size_t t = pos[j] + 1; t < start[j + 1] && !in_tail; t++) in_tail = all[t] == head;
      if (!in_tail) pick = head;
    }
    if (!pick) {
      if (!left) break;
      /* CPython names the heads of the sequences left, each once, in order. */
      char msg[512] = "";
      size_t used = 0;
      for (size_t i = 0; i < nseq; i++) {
        if (pos[i] >= start[i + 1]) continue;
        ObjClass *head = all[pos[i]];
        bool dup = false;
        for (size_t j = 0; j < i; j++) dup |= pos[j] < start[j + 1] && all[pos[j]] == head;
        if (dup) continue;
        int w =
            snprintf(msg + used, sizeof msg - used, "%s%s", used ? ", " : "", head->name->chars);
        if (w > 0 && used + (size_t)w < sizeof msg) used += (size_t)w;
      }
      asy_raise(vm, vm->exc.TypeError,
                "Cannot create a consistent method resolution order (MRO) for bases %s", msg);
      ok = false;
      break;
    }
    out->items[n++] = OBJ_VAL(pick);
    for (size_t i = 0; i < nseq; i++)
      if (pos[i] < start[i + 1] && all[pos[i]] == pick) pos[i]++;
  }
  ASY_FREE(vm, ObjClass *, all, total);
  ASY_FREE(vm, size_t, start, 2 * nseq + 1);
  if (!ok) return false;
  /* the merge drops the duplicates counted in `total` */
  cls->mro = asy_tuple_from(vm, n, out->items);
  return true;
}

/* The flags a class inherits from all its bases. */
enum {
  INHERITED_FLAGS = CLASS_EXCEPTION | CLASS_HAS_GETATTR | CLASS_HAS_DEL | CLASS_HAS_GETATTRIBUTE |
                    CLASS_MRO | CLASS_BOXED | CLASS_HAS_SLOTS
};

/* Check the bases of a new class (classes, none final, no duplicate) and pick __base__;
** NULL after raising. */
static ObjClass *check_bases(VM *vm, ObjTuple *bases) {
  for (size_t i = 0; i < bases->size; i++) {
    Value b = bases->items[i];
    if (!IS_CLASS(b)) {
      asy_raise(vm, vm->exc.TypeError, "bases must be types");
      return NULL;
    }
    ObjClass *bc = AS_CLASS(b);
    if (bc->flags & CLASS_FINAL) {
      asy_raise(vm, vm->exc.TypeError, "type '%s' is not an acceptable base type", bc->name->chars);
      return NULL;
    }
    for (size_t j = 0; j < i; j++)
      if (asy_same(bases->items[j], b)) {
        asy_raise(vm, vm->exc.TypeError, "duplicate base class %s", bc->name->chars);
        return NULL;
      }
  }
  return bases->size == 1 ? AS_CLASS(bases->items[0]) : best_base(vm, bases);
}

/* A new class of metaclass meta; bases NULL means (base,). The dict is used as is. */
/* __slots__ in the class body: a member descriptor per name, and no __dict__ for the
** instances when no base has one. False after raising. */
static bool define_slots(VM *vm, ObjClass *c, ObjTuple *bases) {
  Value slots = asy_dict_get_str(c->dict, intern(vm, "__slots__"));
  if (IS_UNDEF(slots)) return true;
  Value items =
      IS_STR(slots) ? OBJ_VAL(asy_tuple_from(vm, 1, &slots)) : asy_tuple_from_iterable(vm, slots);
  if (IS_EXC(items)) return false;
  ObjTuple *t = AS_TUPLE(items);
  ObjClass *b = c->base;
  if (t->size && b &&
      (asy_is_subclass(b, vm->types.int_) || asy_is_subclass(b, vm->types.bytes) ||
       asy_is_subclass(b, vm->types.tuple) || asy_is_subclass(b, vm->types.type))) {
    /* CPython's variable-size layouts (tp_itemsize) leave no room for slots */
    asy_raise(vm, vm->exc.TypeError, "nonempty __slots__ not supported for subtype of '%s'",
              b->name->chars);
    return false;
  }
  bool has_dict = false;
  for (size_t i = 0; i < t->size; i++) {
    Value n = t->items[i];
    if (!IS_STR(n)) {
      asy_raise(vm, vm->exc.TypeError, "__slots__ items must be strings, not '%s'",
                asy_type_name(vm, n));
      return false;
    }
    ObjStr *name = asy_str_intern(vm, AS_STR(n)->chars, AS_STR(n)->size);
    if (name == vm->names.dict) {
      has_dict = true;
      continue;
    }
    if (name_is(name, "__weakref__")) continue;
    if (!IS_UNDEF(asy_dict_get_str(c->dict, name))) {
      asy_raise(vm, vm->exc.ValueError, "'%s' in __slots__ conflicts with class variable",
                name->chars);
      return false;
    }
    c->flags |= CLASS_HAS_SLOTS;
    ObjWrapper *m = wrapper_new(vm, W_MEMBER, OBJ_VAL(name));
    m->fset = OBJ_VAL(c);
    asy_dict_set_str(vm, c->dict, name, OBJ_VAL(m));
  }
  /* Exceptions and futures have a __dict__ whatever their subclasses' __slots__ say. */
  if (has_dict || c->layout == OBJ_EXCEPTION || c->layout == OBJ_FUTURE) return true;
  /* no __dict__ only when every base lacks one too (a subclass of a built-in container
  ** then keeps its slots' values where a __dict__ would be: member_store) */
  size_t nb = bases ? bases->size : 1;
  for (size_t i = 0; i < nb; i++) {
    ObjClass *b = bases ? AS_CLASS(bases->items[i]) : c->base;
    if (!(b->flags & (CLASS_SLOTS | CLASS_BUILTIN))) return true;
  }
  c->flags |= CLASS_SLOTS;
  return true;
}

static ObjClass *class_create(VM *vm, ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjClass *base,
                              ObjDict *dict) {
  if (bases && bases->size == 0) bases = NULL;
  if (bases) {
    base = check_bases(vm, bases);
    if (!base) return NULL;
    if (bases->size == 1) bases = NULL;
  }
  if (!base) base = vm->types.object;
  if (base->flags & CLASS_FINAL) {
    asy_raise(vm, vm->exc.TypeError, "type '%s' is not an acceptable base type", base->name->chars);
    return NULL;
  }
  if (!dict) dict = asy_dict_new(vm);
  ObjClass *c = (ObjClass *)asy_alloc_obj(vm, sizeof(ObjClass), OBJ_CLASS, meta);
  c->name = name;
  c->qualname = name;
  c->base = base;
  c->dict = dict;
  c->layout = base->layout;
  c->depth = base->depth + 1;
  c->module = NONE_VAL;
  int flags = base->flags & INHERITED_FLAGS;
  if (bases) {
    c->bases = bases;
    for (size_t i = 0; i < bases->size; i++)
      flags |= AS_CLASS(bases->items[i])->flags & INHERITED_FLAGS;
    if (!compute_mro(vm, c, bases)) return NULL;
    flags |= CLASS_MRO;
  } else if (flags & CLASS_MRO) {
    ObjTuple *t = asy_tuple_new(vm, base->mro->size + 1);
    t->items[0] = OBJ_VAL(c);
    memcpy(t->items + 1, base->mro->items, sizeof(Value) * base->mro->size);
    c->mro = t;
  }
  if (base == vm->types.int_ || base == vm->types.float_) flags |= CLASS_BOXED;
  c->flags = flags;
  if (!define_slots(vm, c, bases)) return NULL;
  Value q = asy_dict_get_str(dict, vm->names.qualname);
  if (IS_STR(q)) {
    c->qualname = AS_STR(q);
    asy_dict_delete(vm, dict, OBJ_VAL(vm->names.qualname));
  }
  Value m = asy_dict_get_str(dict, vm->names.module);
  if (IS_UNDEF(m)) {
    m = current_module_name(vm);
    asy_dict_set_str(vm, dict, vm->names.module, m);
  }
  c->module = m;
  if (IS_UNDEF(asy_dict_get_str(dict, vm->names.doc)))
    asy_dict_set_str(vm, dict, vm->names.doc, NONE_VAL);
  /* __new__ is implicitly a staticmethod; __init_subclass__ and __class_getitem__ are
  ** implicitly classmethods (type_new). */
  Value nv = asy_dict_get_str(dict, vm->names.new_);
  if (IS_FUNCTION(nv))
    asy_dict_set_str(vm, dict, vm->names.new_, OBJ_VAL(wrapper_new(vm, W_STATIC, nv)));
  ObjStr *implicit_cm[2] = {vm->names.init_subclass, vm->names.class_getitem};
  for (int i = 0; i < 2; i++) {
    Value f = asy_dict_get_str(dict, implicit_cm[i]);
    if (IS_FUNCTION(f))
      asy_dict_set_str(vm, dict, implicit_cm[i], OBJ_VAL(wrapper_new(vm, W_CLASS, f)));
  }
  /* Defining __eq__ without __hash__ makes instances unhashable. */
  if (!IS_UNDEF(asy_dict_get_str(dict, vm->names.eq)) &&
      IS_UNDEF(asy_dict_get_str(dict, vm->names.hash)))
    asy_dict_set_str(vm, dict, vm->names.hash, NONE_VAL);
  if (!IS_UNDEF(asy_dict_get_str(dict, vm->names.getattr))) c->flags |= CLASS_HAS_GETATTR;
  if (!IS_UNDEF(asy_dict_get_str(dict, vm->names.del))) c->flags |= CLASS_HAS_DEL;
  if (!IS_UNDEF(asy_dict_get_str(dict, intern(vm, "__getattribute__"))))
    c->flags |= CLASS_HAS_GETATTRIBUTE;
  return c;
}

ObjClass *asy_class_new(VM *vm, ObjStr *name, ObjClass *base, ObjDict *dict) {
  return class_create(vm, vm->types.type, name, NULL, base, dict);
}

/* CPython's refusal to instantiate a class with abstract methods left, names sorted. */
static Value abstract_error(VM *vm, ObjClass *cls) {
  Value am = asy_dict_get_str(cls->dict, intern(vm, "__abstractmethods__"));
  Value l = IS_UNDEF(am) ? OBJ_VAL(asy_list_new(vm, 0)) : asy_list_from_iterable(vm, am);
  if (IS_EXC(l)) return l;
  if (IS_EXC(asy_list_sort(vm, AS_LIST(l), NONE_VAL, false))) return EXC_VAL;
  AsyBuf b;
  asy_buf_init(&b, vm);
  ObjList *names = AS_LIST(l);
  for (size_t i = 0; i < names->size; i++) {
    if (!IS_STR(names->items[i])) continue;
    asy_buf_printf(&b, "%s'%s'", i ? ", " : "", AS_STR(names->items[i])->chars);
  }
  Value r = asy_raise(vm, vm->exc.TypeError,
                      "Can't instantiate abstract class %s without an implementation for "
                      "abstract method%s %.*s",
                      cls->name->chars, names->size == 1 ? "" : "s", (int)b.len, b.data);
  asy_buf_free(&b);
  return r;
}

Value asy_instance_new(VM *vm, ObjClass *cls) {
  if (cls->flags & CLASS_ABSTRACT) return abstract_error(vm, cls);
  if (cls->layout == OBJ_EXCEPTION) return OBJ_VAL(asy_exception_alloc(vm, cls));
  if (cls->layout != OBJ_INSTANCE)
    return asy_raise(vm, vm->exc.TypeError, "object.__new__(%s) is not safe, use %s.__new__()",
                     cls->name->chars, cls->name->chars);
  ObjDict *d =
      cls == vm->types.object || (cls->flags & CLASS_SLOTS) ? NULL : asy_dict_new_with_room(vm);
  bool ext = (cls->flags & CLASS_HAS_SLOTS) != 0;
  ObjInstance *in = (ObjInstance *)asy_alloc_obj(vm, ext ? sizeof(ObjBoxed) : sizeof(ObjInstance),
                                                 OBJ_INSTANCE, cls);
  if (ext) ((ObjBoxed *)in)->value = NONE_VAL;
  if (cls->flags & CLASS_HAS_DEL) asy_finalize_track(vm, &in->obj);
  in->dict = d;
  return OBJ_VAL(in);
}

Value asy_boxed_new(VM *vm, ObjClass *cls, Value value) {
  ObjBoxed *b = (ObjBoxed *)asy_alloc_obj(vm, sizeof(ObjBoxed), OBJ_INSTANCE, cls);
  b->value = value;
  if (cls->flags & CLASS_HAS_DEL) asy_finalize_track(vm, &b->base.obj);
  b->base.dict = cls->flags & CLASS_SLOTS ? NULL : asy_dict_new(vm);
  return OBJ_VAL(b);
}

Value asy_class_repr(VM *vm, ObjClass *c) {
  if (IS_STR(c->module) && strcmp(AS_STR(c->module)->chars, "builtins") != 0)
    return OBJ_VAL(
        asy_str_printf(vm, "<class '%s.%s'>", AS_STR(c->module)->chars, c->qualname->chars));
  return OBJ_VAL(asy_str_printf(vm, "<class '%s'>", c->qualname->chars));
}

/* ---- the class statement (BUILD_CLASS) ------------------------------------------ */

/* The metaclass of a class with these bases: the most derived of meta and the bases'
** metaclasses, or NULL after CPython's "metaclass conflict" error. */
static ObjClass *calc_meta(VM *vm, ObjClass *meta, ObjTuple *bases) {
  ObjClass *winner = meta;
  for (size_t i = 0; i < bases->size; i++) {
    ObjClass *bm = asy_class_of(vm, bases->items[i]);
    if (asy_is_subclass(winner, bm)) continue;
    if (asy_is_subclass(bm, winner)) {
      winner = bm;
      continue;
    }
    asy_raise(vm, vm->exc.TypeError,
              "metaclass conflict: the metaclass of a derived class must be a (non-strict) "
              "subclass of the metaclasses of all its bases");
    return NULL;
  }
  return winner;
}

/* What type.__new__ does once the class exists: fill the __classcell__, call
** __set_name__ on the attributes, then super(cls, cls).__init_subclass__(**kw). */
static bool class_finish(VM *vm, ObjClass *cls, ObjDict *kw) {
  Value clsv = OBJ_VAL(cls);
  ObjDict *cdict = cls->dict;
  ObjStr *cc = intern(vm, "__classcell__");
  Value cell = asy_dict_get_str(cdict, cc);
  if (IS_OBJ_TYPE(cell, OBJ_CELL)) {
    ((ObjCell *)AS_OBJ(cell))->value = clsv;
    if (asy_dict_delete(vm, cdict, OBJ_VAL(cc)) < 0) return false;
  }
  ObjStr *set_name = intern(vm, "__set_name__");
  for (size_t i = 0; i < cdict->used; i++) {
    Value k = asy_dict_key(cdict, i), v = cdict->entries[i].value;
    if (IS_UNDEF(k) || !IS_OBJ_TYPE(v, OBJ_INSTANCE)) continue;
    Value args[2] = {clsv, k};
    Value res = asy_call_method_opt(vm, v, set_name, 2, args);
    if (IS_EXC(res)) return false;
  }
  Value isc = lookup_after(cls, cls, vm->names.init_subclass, NULL);
  Value obj_isc = asy_dict_get_str(vm->types.object->dict, vm->names.init_subclass);
  if (IS_UNDEF(isc) || asy_same(isc, obj_isc)) {
    if (kw && kw->count) {
      asy_raise(vm, vm->exc.TypeError, "%s.__init_subclass__() takes no keyword arguments",
                cls->name->chars);
      return false;
    }
    return true;
  }
  if (IS_OBJ_TYPE(isc, OBJ_WRAPPER)) isc = ((ObjWrapper *)AS_OBJ(isc))->fget;
  return !IS_EXC(asy_call(vm, isc, 1, &clsv, kw));
}

/* type.__new__(meta, name, bases, ns, **kw) with ns used as the class dict. */
static Value type_new_class(VM *vm, ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjDict *ns,
                            ObjDict *kw) {
  ObjClass *cls = class_create(vm, meta, name, bases, NULL, ns);
  if (!cls || !class_finish(vm, cls, kw)) return EXC_VAL;
  return OBJ_VAL(cls);
}

/* PEP 560: a base that is not a class may name the classes it stands for with
** __mro_entries__(bases) (typing.Generic[T], typing.NamedTuple). The same tuple when none
** does. */
static Value resolve_bases(VM *vm, Value bases) {
  ObjTuple *bt = AS_TUPLE(bases);
  ObjStr *me = intern(vm, "__mro_entries__");
  ObjList *out = NULL;
  for (size_t i = 0; i < bt->size; i++) {
    Value b = bt->items[i];
    Value f = IS_CLASS(b) ? UNDEF_VAL : asy_getattr_opt(vm, b, me);
    if (IS_EXC(f)) return EXC_VAL;
    if (IS_UNDEF(f)) {
      if (out) asy_list_append(vm, out, b);
      continue;
    }
    if (!out) {
      out = asy_list_new(vm, bt->size);
      for (size_t j = 0; j < i; j++) asy_list_append(vm, out, bt->items[j]);
    }
    Value r = asy_call(vm, f, 1, &bases, NULL);
    if (IS_EXC(r)) return EXC_VAL;
    if (!IS_TUPLE(r))
      return asy_raise(vm, vm->exc.TypeError, "__mro_entries__ must return a tuple");
    for (size_t j = 0; j < AS_TUPLE(r)->size; j++) asy_list_append(vm, out, AS_TUPLE(r)->items[j]);
  }
  return out ? OBJ_VAL(asy_tuple_from(vm, out->size, out->items)) : bases;
}

Value asy_build_class(VM *vm, Value *slot, int nkw) {
  Value body = slot[0], name = slot[1], bases = slot[2], kwnames = slot[3];
  Value *kwvalues = slot + 4;
  if (!IS_FUNCTION(body) || !IS_STR(name) || !IS_TUPLE(bases))
    return asy_raise(vm, vm->exc.TypeError, "BUILD_CLASS: bad operands");
  Value orig_bases = bases;
  bases = resolve_bases(vm, bases);
  if (IS_EXC(bases)) return EXC_VAL;
  ObjTuple *bt = AS_TUPLE(bases);
  /* Keywords: metaclass= picks the metaclass, the rest go to it (and __init_subclass__). */
  ObjDict *kw = NULL;
  Value metav = UNDEF_VAL;
  if (nkw > 0 && IS_TUPLE(kwnames)) {
    ObjStr *metaclass = intern(vm, "metaclass");
    for (int i = 0; i < nkw; i++) {
      Value k = AS_TUPLE(kwnames)->items[i];
      if (IS_STR(k) && asy_str_equal(AS_STR(k), metaclass)) {
        metav = kwvalues[i];
        continue;
      }
      if (!kw) kw = asy_dict_new(vm);
      if (!asy_dict_set(vm, kw, k, kwvalues[i])) return EXC_VAL;
    }
  }
  if (IS_UNDEF(metav) || IS_CLASS(metav)) {
    ObjClass *meta = calc_meta(vm, IS_UNDEF(metav) ? vm->types.type : AS_CLASS(metav), bt);
    if (!meta) return EXC_VAL;
    metav = OBJ_VAL(meta);
  }
  Value clsv;
  ObjDict *ns;
  Value r;
  if (asy_same(metav, OBJ_VAL(vm->types.type))) {
    ns = asy_dict_new(vm);
    r = asy_call_body(vm, AS_FUNCTION(body), ns);
    if (IS_EXC(r)) return EXC_VAL;
    if (!asy_same(orig_bases, bases))
      asy_dict_set_str(vm, ns, intern(vm, "__orig_bases__"), orig_bases);
    clsv = type_new_class(vm, vm->types.type, AS_STR(name), bt, ns, kw);
  } else {
    /* metaclass.__prepare__(name, bases, **kw) makes the namespace when it has one. */
    Value prep =
        IS_CLASS(metav) ? asy_getattr_opt(vm, metav, intern(vm, "__prepare__")) : UNDEF_VAL;
    if (IS_EXC(prep)) return EXC_VAL;
    if (!IS_UNDEF(prep)) {
      Value pargs[2] = {name, bases};
      Value nsv = asy_call(vm, prep, 2, pargs, kw);
      if (IS_EXC(nsv)) return EXC_VAL;
      if (!IS_DICT(nsv))
        return asy_raise(vm, vm->exc.TypeError, "%s.__prepare__() must return a mapping, not %s",
                         AS_CLASS(metav)->name->chars, asy_type_name(vm, nsv));
      ns = AS_DICT(nsv);
    } else {
      ns = asy_dict_new(vm);
    }
    asy_push_root(vm, OBJ_VAL(ns));
    r = asy_call_body(vm, AS_FUNCTION(body), ns);
    if (IS_EXC(r)) return EXC_VAL;
    if (!asy_same(orig_bases, bases))
      asy_dict_set_str(vm, ns, intern(vm, "__orig_bases__"), orig_bases);
    Value args[3] = {name, bases, OBJ_VAL(ns)};
    clsv = asy_call(vm, metav, 3, args, kw);
  }
  if (IS_EXC(clsv)) return EXC_VAL;
  /* A body that uses __class__ returns its cell when it did not store __classcell__. */
  if (IS_OBJ_TYPE(r, OBJ_CELL) && IS_UNDEF(((ObjCell *)AS_OBJ(r))->value))
    ((ObjCell *)AS_OBJ(r))->value = clsv;
  return clsv;
}

/* ---- descriptors ----------------------------------------------------------------- */

/* The attrs field of a container or future o (of a user subclass: a tuple's must have
** one, asy_tuple_has_attrs): its __dict__, or with __slots__ and no __dict__ its slots'
** values. */
static ObjDict **container_attrs(Obj *o) {
  switch (o->type) {
  case OBJ_LIST: return &((ObjList *)o)->attrs;
  case OBJ_DICT: return &((ObjDict *)o)->attrs;
  case OBJ_SET: return &((ObjSet *)o)->attrs;
  case OBJ_FUTURE: return &((ObjFuture *)o)->attrs;
  default: return asy_tuple_attrs((ObjTuple *)o);
  }
}

/* The instance __dict__ of obj, or NULL if it has none. */
static ObjDict *instance_dict(VM *vm, Value obj, bool create) {
  if (!IS_OBJ(obj)) return NULL;
  switch (OBJ_TYPE(obj)) {
  case OBJ_INSTANCE:
  case OBJ_EXCEPTION: {
    ObjInstance *in = AS_INSTANCE(obj);
    if (in->dict || !create) return in->dict;
    if (in->obj.cls != vm->types.object && !(in->obj.cls->flags & (CLASS_FINAL | CLASS_SLOTS)))
      in->dict = asy_dict_new_with_room(vm); /* __slots__ without __dict__: never one */
    return in->dict;
  }
  case OBJ_FUNCTION: {
    ObjFunction *f = AS_FUNCTION(obj);
    if (!f->dict && create) f->dict = asy_dict_new(vm);
    return f->dict;
  }
  case OBJ_STR: {
    ObjStr *s = AS_STR(obj);
    if (s->obj.cls->flags & (CLASS_BUILTIN | CLASS_SLOTS)) return NULL;
    if (!*asy_str_attrs(s) && create) {
      ObjDict *d = asy_dict_new(vm);
      *asy_str_attrs(s) = d;
    }
    return *asy_str_attrs(s);
  }
  case OBJ_LIST:
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_TUPLE:
  case OBJ_FUTURE: {
    /* Instances of user subclasses of the containers and futures have a __dict__ too. */
    Obj *o = AS_OBJ(obj);
    if (o->cls->flags & (CLASS_BUILTIN | CLASS_SLOTS)) return NULL;
    ObjDict **slot = container_attrs(o);
    if (!*slot && create) {
      ObjDict *d = asy_dict_new(vm);
      *slot = d;
    }
    return *slot;
  }
  default: return NULL;
  }
}

ObjDict *asy_object_dict(VM *vm, Value obj) { return instance_dict(vm, obj, false); }

/* Does v's class define `name` (user descriptors)? */
static bool has_special(VM *vm, Value v, const char *name) {
  if (!IS_OBJ(v)) return false;
  ObjClass *c = AS_OBJ(v)->cls;
  if (c->flags & CLASS_BUILTIN) return false;
  return !IS_UNDEF(asy_class_lookup(c, asy_str_intern(vm, name, strlen(name))));
}

static bool is_data_descriptor(VM *vm, Value d) {
  if (IS_OBJ_TYPE(d, OBJ_WRAPPER)) {
    int kind = ((ObjWrapper *)AS_OBJ(d))->kind;
    return kind == W_PROPERTY || kind == W_MEMBER;
  }
  if (IS_OBJ_TYPE(d, OBJ_INSTANCE))
    return has_special(vm, d, "__set__") || has_special(vm, d, "__delete__");
  return false;
}

/* A native method bound to self: a copy of the native (all of it but its own object
** header, so a field added to ObjNative is carried too) with `self` set. */
static Value bind_native(VM *vm, ObjNative *n, Value self) {
  ObjNative *b = (ObjNative *)asy_alloc_obj(vm, sizeof(ObjNative), OBJ_NATIVE, n->obj.cls);
  Obj header = b->obj;
  *b = *n;
  b->obj = header;
  b->self = self;
  return OBJ_VAL(b);
}

static Value property_get(VM *vm, ObjWrapper *w, Value obj, ObjStr *name) {
  if (IS_NONE(w->fget) || IS_UNDEF(w->fget))
    return asy_raise(vm, vm->exc.AttributeError, "property '%s' of '%s' object has no getter",
                     name->chars, asy_type_name(vm, obj));
  return asy_call(vm, w->fget, 1, &obj, NULL);
}

/* The hidden dict that holds an instance's __slots__ values (NULL: not an instance of
** the slot's class). A plain instance has its own; an instance of a subclass of a
** built-in container or str keeps them in the attrs field, which is no __dict__ when the
** class has none; an exception keeps them in its __dict__. */
static ObjDict **member_store(VM *vm, ObjWrapper *w, Value obj) {
  ObjDict **store = NULL;
  if (IS_OBJ(obj) && asy_isinstance(vm, obj, AS_CLASS(w->fset))) {
    Obj *o = AS_OBJ(obj);
    switch (o->type) {
    case OBJ_INSTANCE: store = &((ObjBoxed *)o)->slots; break;
    case OBJ_EXCEPTION: store = &AS_INSTANCE(obj)->dict; break;
    case OBJ_STR: store = asy_str_attrs((ObjStr *)o); break;
    case OBJ_LIST:
    case OBJ_DICT:
    case OBJ_SET:
    case OBJ_FUTURE: store = container_attrs(o); break;
    default: break;
    }
  }
  if (!store)
    asy_raise(vm, vm->exc.TypeError,
              "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
              AS_STR(w->fget)->chars, AS_CLASS(w->fset)->name->chars, asy_type_name(vm, obj));
  return store;
}

static Value member_get(VM *vm, ObjWrapper *w, Value obj) {
  ObjDict **store = member_store(vm, w, obj);
  if (!store) return EXC_VAL;
  Value v = *store ? asy_dict_get_str(*store, AS_STR(w->fget)) : UNDEF_VAL;
  if (IS_UNDEF(v)) return asy_attribute_error(vm, obj, AS_STR(w->fget));
  return v;
}

/* Set (value) or delete (UNDEF) a __slots__ value. */
static bool member_set(VM *vm, ObjWrapper *w, Value obj, Value value) {
  ObjDict **store = member_store(vm, w, obj);
  if (!store) return false;
  if (!IS_UNDEF(value)) {
    if (!*store) *store = asy_dict_new(vm);
    asy_dict_set_str(vm, *store, AS_STR(w->fget), value);
    return true;
  }
  int r = *store ? asy_dict_delete(vm, *store, w->fget) : 0;
  if (r == 0) asy_raise(vm, vm->exc.AttributeError, "%s", AS_STR(w->fget)->chars);
  return r > 0;
}

/* descr.__get__(obj, cls); obj UNDEF for access through the class itself. */
static Value descr_get(VM *vm, Value d, Value obj, ObjClass *cls, ObjStr *name) {
  if (!IS_OBJ(d)) return d;
  switch (OBJ_TYPE(d)) {
  case OBJ_FUNCTION:
    if (IS_UNDEF(obj)) return d;
    return OBJ_VAL(asy_bound_new(vm, obj, d));
  case OBJ_NATIVE: {
    ObjNative *n = AS_NATIVE(d);
    if (IS_UNDEF(obj) || !n->owner || !IS_UNDEF(n->self) || n->name == vm->names.new_) return d;
    return bind_native(vm, n, obj);
  }
  case OBJ_WRAPPER: {
    ObjWrapper *w = (ObjWrapper *)AS_OBJ(d);
    if (w->kind == W_STATIC) return w->fget;
    if (w->kind == W_MEMBER) {
      if (IS_UNDEF(obj)) return d;
      return member_get(vm, w, obj);
    }
    if (w->kind == W_CLASS) {
      if (IS_NATIVE(w->fget)) return bind_native(vm, AS_NATIVE(w->fget), OBJ_VAL(cls));
      return OBJ_VAL(asy_bound_new(vm, OBJ_VAL(cls), w->fget));
    }
    if (IS_UNDEF(obj)) return d;
    return property_get(vm, w, obj, name);
  }
  case OBJ_INSTANCE: {
    if (AS_OBJ(d)->cls->flags & CLASS_BUILTIN) return d;
    Value get = asy_class_lookup(AS_OBJ(d)->cls, vm->names.get);
    if (IS_UNDEF(get)) return d;
    Value args[3] = {d, IS_UNDEF(obj) ? NONE_VAL : obj, OBJ_VAL(cls)};
    return asy_call(vm, get, 3, args, NULL);
  }
  default: return d;
  }
}

Value asy_bind(VM *vm, Value descr, Value obj, ObjClass *cls, ObjStr *name) {
  return descr_get(vm, descr, obj, cls, name);
}

/* ---- getattr ------------------------------------------------------------------- */

/* __mro__ as a tuple (made from the base chain when the class has no MRO tuple). */
static ObjTuple *class_mro(VM *vm, ObjClass *c) {
  if (c->flags & CLASS_MRO) return c->mro;
  size_t n = 0;
  for (ObjClass *k = c; k; k = k->base) n++;
  ObjTuple *t = asy_tuple_new(vm, n);
  n = 0;
  for (ObjClass *k = c; k; k = k->base) t->items[n++] = OBJ_VAL(k);
  return t;
}

static Value class_special(VM *vm, ObjClass *c, ObjStr *name) {
  if (name->chars[0] != '_' || name->chars[1] != '_') return UNDEF_VAL; /* all are dunders */
  if (name == vm->names.name) return OBJ_VAL(c->name);
  if (name == vm->names.qualname) return OBJ_VAL(c->qualname);
  if (name == vm->names.module) {
    Value m = c->dict ? asy_dict_get_str(c->dict, name) : UNDEF_VAL;
    return IS_UNDEF(m) ? c->module : m;
  }
  if (name == vm->names.dict) return OBJ_VAL(c->dict);
  if (name == vm->names.doc) {
    Value d = c->dict ? asy_dict_get_str(c->dict, name) : UNDEF_VAL;
    if (IS_UNDEF(d)) return NONE_VAL;
    return descr_get(vm, d, UNDEF_VAL, c, name);
  }
  if (name == vm->names.class_) return OBJ_VAL(c->obj.cls);
  if (name_is(name, "__bases__")) {
    if (c->bases) return OBJ_VAL(c->bases);
    if (!c->base) return OBJ_VAL(asy_tuple_new(vm, 0));
    Value b = OBJ_VAL(c->base);
    return OBJ_VAL(asy_tuple_from(vm, 1, &b));
  }
  if (name_is(name, "__base__")) return c->base ? OBJ_VAL(c->base) : NONE_VAL;
  if (name_is(name, "__mro__")) return OBJ_VAL(class_mro(vm, c));
  return UNDEF_VAL;
}

/* Attribute of a class object (type_getattro). UNDEF when missing. */
static Value class_getattr(VM *vm, ObjClass *c, ObjStr *name) {
  Value v = class_special(vm, c, name);
  if (!IS_UNDEF(v)) return v;
  ObjClass *meta = c->obj.cls;
  if (meta != vm->types.type) { /* a data descriptor of a metaclass comes first */
    Value mv = asy_class_lookup_cached(vm, meta, name);
    if (!IS_UNDEF(mv) && is_data_descriptor(vm, mv))
      return descr_get(vm, mv, OBJ_VAL(c), meta, name);
  }
  v = asy_class_lookup_cached(vm, c, name);
  if (!IS_UNDEF(v)) return descr_get(vm, v, UNDEF_VAL, c, name);
  /* Methods of the metatype `type` (mro …), bound to the class. */
  Value mv = asy_class_lookup_cached(vm, meta, name);
  if (!IS_UNDEF(mv)) return descr_get(vm, mv, OBJ_VAL(c), meta, name);
  return UNDEF_VAL;
}

/* super(...).name: search the MRO of the object's type after `start`. */
static Value super_getattr(VM *vm, ObjSuper *s, ObjStr *name) {
  if (name == vm->names.class_) return OBJ_VAL(s->obj.cls);
  /* CPython's supercheck: a class that is a subclass of start is its own type (access
  ** through the class); anything else, a class included, goes by its type. */
  bool through_class = IS_CLASS(s->self) && asy_is_subclass(AS_CLASS(s->self), s->start);
  ObjClass *objtype = through_class ? AS_CLASS(s->self) : asy_class_of(vm, s->self);
  Value v = lookup_after(objtype, s->start, name, NULL);
  if (!IS_UNDEF(v)) return descr_get(vm, v, through_class ? UNDEF_VAL : s->self, objtype, name);
  /* super's own members come after the MRO, as in CPython's super_getattro */
  if (name_is(name, "__thisclass__")) return OBJ_VAL(s->start);
  if (name_is(name, "__self__")) return s->self;
  if (name_is(name, "__self_class__")) return OBJ_VAL(objtype);
  return UNDEF_VAL;
}

bool asy_super_method(VM *vm, Value start, Value self, ObjStr *name, Value *meth) {
  if (!IS_CLASS(start) || !IS_OBJ(self) || IS_CLASS(self)) return false;
  if (name == vm->names.class_) return false; /* super's own __class__ comes first */
  ObjClass *objtype = AS_OBJ(self)->cls;
  if (!asy_is_subclass(objtype, AS_CLASS(start))) return false;
  Value v = lookup_after(objtype, AS_CLASS(start), name, NULL);
  if (!IS_FUNCTION(v) && !(IS_NATIVE(v) && IS_UNDEF(AS_NATIVE(v)->self))) return false;
  *meth = v;
  return true;
}

static Value wrapper_special(VM *vm, ObjWrapper *w, ObjStr *name) {
  if (name_is(name, "__isabstractmethod__")) { /* from the wrapped function(s) */
    Value fs[3] = {w->fget, w->fset, w->fdel};
    for (int i = 0; i < (w->kind == W_PROPERTY ? 3 : 1); i++) {
      if (!IS_OBJ(fs[i])) continue;
      Value v = asy_getattr_opt(vm, fs[i], name);
      if (IS_EXC(v)) return v;
      if (!IS_UNDEF(v)) {
        int t = asy_truthy(vm, v);
        if (t < 0) return EXC_VAL;
        if (t) return TRUE_VAL;
      }
    }
    return FALSE_VAL;
  }
  if (w->kind == W_PROPERTY) {
    if (name_is(name, "fget")) return IS_UNDEF(w->fget) ? NONE_VAL : w->fget;
    if (name_is(name, "fset")) return IS_UNDEF(w->fset) ? NONE_VAL : w->fset;
    if (name_is(name, "fdel")) return IS_UNDEF(w->fdel) ? NONE_VAL : w->fdel;
    if (name == vm->names.doc) {
      if (!IS_NONE(w->doc) && !IS_UNDEF(w->doc)) return w->doc;
      if (IS_FUNCTION(w->fget)) return AS_FUNCTION(w->fget)->doc;
      return NONE_VAL;
    }
    return UNDEF_VAL;
  }
  if (w->kind == W_MEMBER) {
    if (name == vm->names.name || name == vm->names.qualname) return w->fget;
    if (name_is(name, "__objclass__")) return w->fset;
    return UNDEF_VAL;
  }
  if (name_is(name, "__func__") || name_is(name, "__wrapped__")) return w->fget;
  if (name == vm->names.doc || name == vm->names.name || name == vm->names.qualname ||
      name == vm->names.module) {
    Value v = asy_getattr_opt(vm, w->fget, name);
    return IS_UNDEF(v) ? NONE_VAL : v;
  }
  return UNDEF_VAL;
}

/* The core of getattr: the value, UNDEF when missing (no exception), EXC_VAL. */
static Value getattr_impl(VM *vm, Value obj, ObjStr *name) {
  if (IS_OBJ(obj)) {
    switch (OBJ_TYPE(obj)) {
    case OBJ_CLASS: return class_getattr(vm, AS_CLASS(obj), name);
    case OBJ_SUPER: {
      Value v = super_getattr(vm, (ObjSuper *)AS_OBJ(obj), name);
      if (!IS_UNDEF(v)) return v;
      break; /* the super object's own attributes */
    }
    case OBJ_FUNCTION:
    case OBJ_BOUND:
    case OBJ_NATIVE:
    case OBJ_MODULE:
    case OBJ_CODE:
    case OBJ_CELL: {
      Value v = asy_func_special_attr(vm, obj, name);
      if (!IS_UNDEF(v)) return v;
      break;
    }
    case OBJ_WRAPPER: {
      Value v = wrapper_special(vm, (ObjWrapper *)AS_OBJ(obj), name);
      if (!IS_UNDEF(v)) return v;
      break;
    }
    default: break;
    }
  }
  ObjClass *cls = asy_class_of(vm, obj);
  Value descr = asy_class_lookup_cached(vm, cls, name);
  /* object's __class__, unless a class along the MRO defines its own (a proxy's property) */
  if (name == vm->names.class_ && IS_UNDEF(descr)) return OBJ_VAL(cls);
  if (!IS_UNDEF(descr) && is_data_descriptor(vm, descr))
    return descr_get(vm, descr, obj, cls, name);
  ObjDict *d = instance_dict(vm, obj, false);
  if (d) {
    Value v = asy_dict_get_str(d, name);
    if (!IS_UNDEF(v)) return v;
  }
  if (name == vm->names.dict) {
    d = instance_dict(vm, obj, true);
    if (d) return OBJ_VAL(d);
  }
  if (!IS_UNDEF(descr)) return descr_get(vm, descr, obj, cls, name);
  if (IS_OBJ_TYPE(obj, OBJ_BOUND)) /* methods forward unknown attributes to the function */
    return getattr_impl(vm, AS_BOUND(obj)->func, name);
  if (IS_OBJ(obj) && (OBJ_TYPE(obj) == OBJ_INSTANCE || OBJ_TYPE(obj) == OBJ_EXCEPTION) &&
      name == vm->names.doc)
    return NONE_VAL;
  return UNDEF_VAL;
}

/* The class's __getattr__ (for a non-class object), or UNDEF. */
static Value find_getattr_hook(VM *vm, Value obj) {
  if (IS_OBJ_TYPE(obj, OBJ_CLASS)) return UNDEF_VAL;
  ObjClass *cls = asy_class_of(vm, obj);
  if (!(cls->flags & CLASS_HAS_GETATTR) && (cls->flags & CLASS_BUILTIN)) return UNDEF_VAL;
  return asy_class_lookup(cls, vm->names.getattr);
}

static Value call_getattr_hook(VM *vm, Value hook, Value obj, ObjStr *name) {
  Value fn = descr_get(vm, hook, UNDEF_VAL, asy_class_of(vm, obj), name);
  if (IS_EXC(fn)) return fn;
  Value args[2] = {obj, OBJ_VAL(name)};
  return asy_call(vm, fn, 2, args, NULL);
}

/* getattr with __getattr__: the value, UNDEF when missing (nothing raised), EXC_VAL. An
** AttributeError raised by a descriptor (a property getter) also falls back to
** __getattr__, as in CPython's slot_tp_getattr_hook. */
/* A user __getattribute__ replaces the generic lookup (__getattr__ still backs it). */
static __attribute__((noinline)) Value user_getattribute(VM *vm, Value obj, ObjStr *name) {
  Value ga = asy_class_lookup(AS_OBJ(obj)->cls, intern(vm, "__getattribute__"));
  Value args[2] = {obj, OBJ_VAL(name)};
  return IS_NATIVE(ga) ? getattr_impl(vm, obj, name) : asy_call(vm, ga, 2, args, NULL);
}

static Value getattr_full(VM *vm, Value obj, ObjStr *name) {
  Value v = IS_OBJ(obj) && (AS_OBJ(obj)->cls->flags & CLASS_HAS_GETATTRIBUTE)
                ? user_getattribute(vm, obj, name)
                : getattr_impl(vm, obj, name);
  if (!IS_EXC(v) && !IS_UNDEF(v)) return v;
  if (IS_EXC(v) && !asy_pending_is(vm, vm->exc.AttributeError)) return v;
  if (IS_OBJ_TYPE(obj, OBJ_MODULE)) { /* a module's own __getattr__(name) (PEP 562) */
    Value mhook = asy_dict_get_str(AS_MODULE(obj)->dict, vm->names.getattr);
    if (IS_UNDEF(mhook)) return v;
    if (IS_EXC(v)) asy_clear_pending(vm);
    Value arg = OBJ_VAL(name);
    return asy_call(vm, mhook, 1, &arg, NULL);
  }
  Value hook = find_getattr_hook(vm, obj);
  if (IS_UNDEF(hook)) return v;
  if (IS_EXC(v)) asy_clear_pending(vm);
  return call_getattr_hook(vm, hook, obj, name);
}

Value asy_getattr(VM *vm, Value obj, ObjStr *name) {
  Value v = getattr_full(vm, obj, name);
  if (IS_UNDEF(v)) return asy_attribute_error(vm, obj, name);
  return v;
}

Value asy_getattr_opt(VM *vm, Value obj, ObjStr *name) {
  Value v = getattr_full(vm, obj, name);
  if (IS_EXC(v) && asy_pending_is(vm, vm->exc.AttributeError)) {
    asy_clear_pending(vm);
    return UNDEF_VAL;
  }
  return v;
}

/* ---- setattr / delattr --------------------------------------------------------------- */

static bool readonly_error(VM *vm, Value obj, ObjStr *name, bool has_attr) {
  if (has_attr)
    asy_raise(vm, vm->exc.AttributeError, "'%s' object attribute '%s' is read-only",
              asy_type_name(vm, obj), name->chars);
  else
    asy_raise(vm, vm->exc.AttributeError,
              "'%s' object has no attribute '%s' and no __dict__ for setting new attributes",
              asy_type_name(vm, obj), name->chars);
  return false;
}

static bool class_setattr(VM *vm, ObjClass *c, ObjStr *name, Value value, bool del) {
  if (c->flags & CLASS_BUILTIN) {
    asy_raise(vm, vm->exc.TypeError, "cannot set '%s' attribute of immutable type '%s'",
              name->chars, c->name->chars);
    return false;
  }
  /* __name__ and __qualname__ are the class's own fields, and take only a str. */
  ObjStr **field = name == vm->names.name ? &c->name : NULL;
  if (name == vm->names.qualname) field = &c->qualname;
  if (field && !del) {
    if (!IS_STR(value)) {
      asy_raise(vm, vm->exc.TypeError, "can only assign string to %s.%s, not '%s'", c->name->chars,
                name->chars, asy_type_name(vm, value));
      return false;
    }
    *field = AS_STR(value);
    return true;
  }
  if (del) {
    int r = asy_dict_delete(vm, c->dict, OBJ_VAL(name));
    if (r < 0) return false;
    if (r == 0) {
      asy_attribute_error(vm, OBJ_VAL(c), name);
      return false;
    }
    return true;
  }
  if (name == vm->names.module) c->module = value;
  if (name == vm->names.getattr) c->flags |= CLASS_HAS_GETATTR;
  if (name == vm->names.del) c->flags |= CLASS_HAS_DEL;
  if (name_is(name, "__getattribute__")) c->flags |= CLASS_HAS_GETATTRIBUTE;
  if (name_is(name, "__abstractmethods__")) { /* CPython's Py_TPFLAGS_IS_ABSTRACT */
    int t = asy_truthy(vm, value);
    if (t < 0) return false;
    c->flags = t ? c->flags | CLASS_ABSTRACT : c->flags & ~CLASS_ABSTRACT;
  }
  asy_dict_set_str(vm, c->dict, name, value);
  return true;
}

/* The generic setattr/delattr (object.__setattr__): descriptors, then the instance dict.
** value UNDEF means delete. */
/* obj.__class__ = value, for instances of user classes whose layouts agree (CPython's
** object_set_class). */
static bool set_class(VM *vm, Value obj, Value value) {
  if (!IS_CLASS(value)) {
    asy_raise(vm, vm->exc.TypeError, "__class__ must be set to a class, not '%s' object",
              asy_type_name(vm, value));
    return false;
  }
  ObjClass *old = asy_class_of(vm, obj), *new = AS_CLASS(value);
  const int fixed = CLASS_BUILTIN | CLASS_EXCEPTION;
  if ((old->flags & fixed) || (new->flags &fixed) || !IS_OBJ_TYPE(obj, OBJ_INSTANCE)) {
    asy_raise(vm, vm->exc.TypeError,
              "__class__ assignment only supported for mutable types or ModuleType subclasses");
    return false;
  }
  const int layout = CLASS_SLOTS | CLASS_HAS_SLOTS | CLASS_BOXED;
  if ((old->flags & layout) || (new->flags &layout)) {
    asy_raise(vm, vm->exc.TypeError, "__class__ assignment: '%s' object layout differs from '%s'",
              new->name->chars, old->name->chars);
    return false;
  }
  AS_OBJ(obj)->cls = new;
  return true;
}

static bool generic_setattr(VM *vm, Value obj, ObjStr *name, Value value) {
  bool del = IS_UNDEF(value);
  if (IS_CLASS(obj)) return class_setattr(vm, AS_CLASS(obj), name, value, del);
  if (name == vm->names.class_ && !del) return set_class(vm, obj, value);
  ObjClass *cls = asy_class_of(vm, obj);
  Value descr = asy_class_lookup_cached(vm, cls, name);
  if (IS_OBJ_TYPE(descr, OBJ_WRAPPER) && ((ObjWrapper *)AS_OBJ(descr))->kind == W_MEMBER)
    return member_set(vm, (ObjWrapper *)AS_OBJ(descr), obj, value);
  if (IS_OBJ_TYPE(descr, OBJ_WRAPPER) && ((ObjWrapper *)AS_OBJ(descr))->kind == W_PROPERTY) {
    ObjWrapper *w = (ObjWrapper *)AS_OBJ(descr);
    Value f = del ? w->fdel : w->fset;
    if (IS_NONE(f) || IS_UNDEF(f)) {
      if (IS_NATIVE(w->fget)) /* a built-in getset descriptor */
        asy_raise(vm, vm->exc.AttributeError, "attribute '%s' of '%s' objects is not writable",
                  name->chars,
                  AS_NATIVE(w->fget)->owner ? AS_NATIVE(w->fget)->owner->name->chars
                                            : cls->name->chars);
      else
        asy_raise(vm, vm->exc.AttributeError, "property '%s' of '%s' object has no %s", name->chars,
                  cls->name->chars, del ? "deleter" : "setter");
      return false;
    }
    Value args[2] = {obj, value};
    return !IS_EXC(asy_call(vm, f, del ? 1 : 2, args, NULL));
  }
  if (IS_OBJ_TYPE(descr, OBJ_INSTANCE) && !(AS_OBJ(descr)->cls->flags & CLASS_BUILTIN)) {
    ObjStr *hook = asy_str_intern(vm, del ? "__delete__" : "__set__", del ? 10 : 7);
    Value f = asy_class_lookup(AS_OBJ(descr)->cls, hook);
    if (!IS_UNDEF(f)) {
      Value args[3] = {descr, obj, value};
      return !IS_EXC(asy_call(vm, f, del ? 2 : 3, args, NULL));
    }
  }
  if (IS_OBJ_TYPE(obj, OBJ_FUNCTION) && !del)
    return asy_func_setattr(vm, AS_FUNCTION(obj), name, value);
  if (IS_MODULE(obj)) {
    ObjModule *m = AS_MODULE(obj);
    if (!del) {
      asy_dict_set_str(vm, m->dict, name, value);
      return true;
    }
    int r = asy_dict_delete(vm, m->dict, OBJ_VAL(name));
    if (r < 0) return false;
    if (r == 0) {
      asy_attribute_error(vm, obj, name);
      return false;
    }
    return true;
  }
  ObjDict *d = instance_dict(vm, obj, !del);
  if (!d) {
    if (del && (IS_OBJ_TYPE(obj, OBJ_INSTANCE) || IS_OBJ_TYPE(obj, OBJ_EXCEPTION) ||
                IS_OBJ_TYPE(obj, OBJ_FUNCTION) || !(cls->flags & CLASS_BUILTIN))) {
      asy_attribute_error(vm, obj, name);
      return false;
    }
    return readonly_error(vm, obj, name, !IS_UNDEF(descr));
  }
  if (!del) {
    if (name == vm->names.dict && IS_OBJ(obj) && OBJ_TYPE(obj) != OBJ_FUNCTION) {
      if (!IS_DICT(value)) {
        asy_raise(vm, vm->exc.TypeError, "__dict__ must be set to a dictionary, not a '%s'",
                  asy_type_name(vm, value));
        return false;
      }
      AS_INSTANCE(obj)->dict = AS_DICT(value);
      return true;
    }
    asy_dict_set_str(vm, d, name, value);
    return true;
  }
  int r = asy_dict_delete(vm, d, OBJ_VAL(name));
  if (r < 0) return false;
  if (r == 0) {
    asy_attribute_error(vm, obj, name);
    return false;
  }
  return true;
}

/* A user-defined __setattr__/__delattr__ (not object's): call it. 1 done, 0 none, -1 error. */
static int user_hook(VM *vm, Value obj, ObjStr *hook, ObjStr *name, Value value) {
  if (!IS_OBJ(obj) || IS_CLASS(obj)) return 0;
  ObjClass *cls = AS_OBJ(obj)->cls;
  if (cls->flags & CLASS_BUILTIN) return 0;
  Value f = asy_class_lookup_cached(vm, cls, hook);
  if (IS_UNDEF(f) || IS_NATIVE(f)) return 0;
  Value args[3] = {obj, OBJ_VAL(name), value};
  Value r = asy_call(vm, f, IS_UNDEF(value) ? 2 : 3, args, NULL);
  return IS_EXC(r) ? -1 : 1;
}

bool asy_setattr(VM *vm, Value obj, ObjStr *name, Value value) {
  int h = user_hook(vm, obj, vm->names.setattr, name, value);
  if (h) return h > 0;
  return generic_setattr(vm, obj, name, value);
}

bool asy_delattr(VM *vm, Value obj, ObjStr *name) {
  int h = user_hook(vm, obj, vm->names.delattr, name, UNDEF_VAL);
  if (h) return h > 0;
  return generic_setattr(vm, obj, name, UNDEF_VAL);
}

/* ---- object ------------------------------------------------------------------------- */

static bool excess_args(int argc, ObjDict *kw) { return argc > 1 || (kw && kw->count); }

/* CPython's rule for arguments to object.__new__ (own = __new__, other = __init__) and
** object.__init__ (the reverse): refused when the class overrides `own`, else unless it
** overrides `other`. False after raising; own_msg is the first refusal's message. */
static bool object_takes_args(VM *vm, ObjClass *cls, ObjStr *own, ObjStr *other,
                              const char *own_msg) {
  Value object_own = asy_dict_get_str(vm->types.object->dict, own);
  Value object_other = asy_dict_get_str(vm->types.object->dict, other);
  if (!asy_same(asy_class_lookup(cls, own), object_own))
    asy_raise(vm, vm->exc.TypeError, "%s", own_msg);
  else if (asy_same(asy_class_lookup(cls, other), object_other))
    asy_raise(vm, vm->exc.TypeError, "%s() takes no arguments", cls->name->chars);
  else return true;
  return false;
}

static Value object_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1) return asy_raise(vm, vm->exc.TypeError, "object.__new__(): not enough arguments");
  if (!IS_CLASS(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "object.__new__(X): X is not a type object (%s)",
                     asy_type_name(vm, args[0]));
  ObjClass *cls = AS_CLASS(args[0]);
  if (excess_args(argc, kw) &&
      !object_takes_args(vm, cls, vm->names.new_, vm->names.init,
                         "object.__new__() takes exactly one argument (the type to instantiate)"))
    return EXC_VAL;
  return asy_instance_new(vm, cls);
}

static Value object_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1)
    return asy_raise(vm, vm->exc.TypeError,
                     "descriptor '__init__' of 'object' object needs an argument");
  if (excess_args(argc, kw) &&
      !object_takes_args(
          vm, asy_class_of(vm, args[0]), vm->names.init, vm->names.new_,
          "object.__init__() takes exactly one argument (the instance to initialize)"))
    return EXC_VAL;
  return NONE_VAL;
}

static Value object_eq(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__eq__", argc - 1, kw, 1, 1)) return EXC_VAL;
  return asy_builtin_compare(vm, CMP_EQ, args[0], args[1]);
}

static Value object_ne(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__ne__", argc - 1, kw, 1, 1)) return EXC_VAL;
  return asy_builtin_compare(vm, CMP_NE, args[0], args[1]);
}

static Value object_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__hash__", argc - 1, kw, 0, 0)) return EXC_VAL;
  if (IS_OBJ(args[0])) return INT_VAL(asy_hash_pointer(AS_OBJ(args[0])));
  int64_t h;
  if (!asy_hash(vm, args[0], &h)) return EXC_VAL;
  return INT_VAL(h);
}

static Value object_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__repr__", argc - 1, kw, 0, 0)) return EXC_VAL;
  return asy_object_repr(vm, args[0]);
}

static Value object_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__str__", argc - 1, kw, 0, 0)) return EXC_VAL;
  return asy_repr(vm, args[0]);
}

static Value object_setattr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__setattr__", argc - 1, kw, 2, 2)) return EXC_VAL;
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "attribute name must be string, not '%s'",
                     asy_type_name(vm, args[1]));
  return generic_setattr(vm, args[0], AS_STR(args[1]), args[2]) ? NONE_VAL : EXC_VAL;
}

static Value object_delattr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__delattr__", argc - 1, kw, 1, 1)) return EXC_VAL;
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "attribute name must be string, not '%s'",
                     asy_type_name(vm, args[1]));
  return generic_setattr(vm, args[0], AS_STR(args[1]), UNDEF_VAL) ? NONE_VAL : EXC_VAL;
}

static Value object_getattribute_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__getattribute__", argc - 1, kw, 1, 1)) return EXC_VAL;
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "attribute name must be string, not '%s'",
                     asy_type_name(vm, args[1]));
  Value v = getattr_impl(vm, args[0], AS_STR(args[1]));
  if (IS_UNDEF(v)) return asy_attribute_error(vm, args[0], AS_STR(args[1]));
  return v;
}

/* object.__init_subclass__ (a classmethod): accepts no keyword arguments. */
static Value object_init_subclass(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (kw && kw->count) {
    const char *n = argc > 0 && IS_CLASS(args[0]) ? AS_CLASS(args[0])->name->chars : "object";
    return asy_raise(vm, vm->exc.TypeError, "%s.__init_subclass__() takes no keyword arguments", n);
  }
  if (argc > 1)
    return asy_raise(vm, vm->exc.TypeError, "__init_subclass__() takes no arguments (%d given)",
                     argc - 1);
  return NONE_VAL;
}

/* object.__subclasshook__ (a classmethod): no opinion. */
static Value object_subclasshook(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return vm->notimplemented;
}

static Value object_format_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__format__", argc - 1, kw, 1, 1)) return EXC_VAL;
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "__format__() argument must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  if (AS_STR(args[1])->size != 0)
    return asy_raise(vm, vm->exc.TypeError, "unsupported format string passed to %s.__format__",
                     asy_type_name(vm, args[0]));
  return asy_str(vm, args[0]);
}

static Value object_dir_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "__dir__", argc - 1, kw, 0, 0)) return EXC_VAL;
  ObjDict *seen = asy_dict_new(vm);
  ObjDict *d = instance_dict(vm, args[0], false);
  if (d && !asy_dict_merge(vm, seen, d, true)) return EXC_VAL;
  ObjClass *c = IS_CLASS(args[0]) ? AS_CLASS(args[0]) : asy_class_of(vm, args[0]);
  ObjTuple *mro = class_mro(vm, c);
  for (size_t i = 0; i < mro->size; i++) {
    ObjClass *k = AS_CLASS(mro->items[i]);
    if (k->dict && !asy_dict_merge(vm, seen, k->dict, false)) return EXC_VAL;
  }
  ObjList *l = asy_list_new(vm, seen->count);
  size_t pos = 0;
  Value k;
  while (asy_dict_next(seen, &pos, &k, NULL)) asy_list_append(vm, l, k);
  return OBJ_VAL(l);
}

/* ---- type ------------------------------------------------------------------------- */

static Value type_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  int n = argc - 1;
  if (n == 1 && !(kw && kw->count)) return OBJ_VAL(asy_class_of(vm, args[1]));
  if (n != 3) return asy_raise(vm, vm->exc.TypeError, "type() takes 1 or 3 arguments");
  if (!IS_CLASS(args[0]) || !asy_is_subclass(AS_CLASS(args[0]), vm->types.type))
    return asy_raise(vm, vm->exc.TypeError, "type.__new__(X): X is not a type object (%s)",
                     asy_type_name(vm, args[0]));
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "type.__new__() argument 1 must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  if (!IS_TUPLE(args[2]))
    return asy_raise(vm, vm->exc.TypeError, "type.__new__() argument 2 must be tuple, not %s",
                     asy_arg_type_name(vm, args[2]));
  if (!IS_DICT(args[3]))
    return asy_raise(vm, vm->exc.TypeError, "type.__new__() argument 3 must be dict, not %s",
                     asy_arg_type_name(vm, args[3]));
  ObjClass *meta = calc_meta(vm, AS_CLASS(args[0]), AS_TUPLE(args[2]));
  if (!meta) return EXC_VAL;
  if (meta != AS_CLASS(args[0])) { /* a more derived metaclass's own __new__ makes it */
    Value nv = asy_class_lookup(meta, vm->names.new_);
    if (IS_OBJ_TYPE(nv, OBJ_WRAPPER)) {
      Value margs[4] = {OBJ_VAL(meta), args[1], args[2], args[3]};
      return asy_call(vm, ((ObjWrapper *)AS_OBJ(nv))->fget, 4, margs, kw);
    }
  }
  ObjDict *ns = asy_dict_copy(vm, AS_DICT(args[3]));
  asy_push_root(vm, OBJ_VAL(ns));
  return type_new_class(vm, meta, AS_STR(args[1]), AS_TUPLE(args[2]), ns, kw);
}

static Value type_call_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_CLASS, "__call__", "type");
  return asy_type_call(vm, args[0], argc - 1, args + 1, kw);
}

static Value type_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  (void)args;
  if (argc != 2 && argc != 4)
    return asy_raise(vm, vm->exc.TypeError, "type.__init__() takes 1 or 3 arguments");
  return NONE_VAL;
}

static Value type_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_CLASS, "__repr__", "type");
  (void)kw;
  return asy_class_repr(vm, AS_CLASS(args[0]));
}

static Value type_mro_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_CLASS, "mro", "type");
  (void)kw;
  ObjTuple *t = class_mro(vm, AS_CLASS(args[0]));
  ObjList *l = asy_list_new(vm, t->size);
  for (size_t i = 0; i < t->size; i++) asy_list_append(vm, l, t->items[i]);
  return OBJ_VAL(l);
}

static Value type_subclasscheck_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_CLASS, "__subclasscheck__", "type");
  if (!asy_args(vm, "__subclasscheck__", argc - 1, kw, 1, 1)) return EXC_VAL;
  if (!IS_CLASS(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "issubclass() arg 1 must be a class");
  return BOOL_VAL(asy_is_subclass(AS_CLASS(args[1]), AS_CLASS(args[0])));
}

/* CPython's object_isinstance: v's type's MRO, then a __class__ attribute naming another
** class (a proxy's property). 1/0, -1 with the exception pending. */
static int real_isinstance(VM *vm, Value v, ObjClass *cls) {
  if (asy_isinstance(vm, v, cls)) return 1;
  if (!IS_OBJ(v) || (AS_OBJ(v)->cls->flags & CLASS_BUILTIN)) return 0;
  Value icls = asy_getattr_opt(vm, v, vm->names.class_);
  if (IS_EXC(icls)) return -1;
  return IS_CLASS(icls) && AS_CLASS(icls) != AS_OBJ(v)->cls &&
         asy_is_subclass(AS_CLASS(icls), cls);
}

int asy_class_check(VM *vm, Value v, ObjClass *cls, bool sub) {
  ObjClass *meta = cls->obj.cls;
  if (meta != vm->types.type && (sub || asy_class_of(vm, v) != cls)) {
    /* a metaclass's own __instancecheck__/__subclasscheck__ (abc.ABCMeta's) decides */
    const char *hn = sub ? "__subclasscheck__" : "__instancecheck__";
    Value hook = asy_class_lookup(meta, asy_str_intern(vm, hn, strlen(hn)));
    if (!IS_UNDEF(hook) && !IS_NATIVE(hook)) {
      Value hargs[2] = {OBJ_VAL(cls), v};
      Value r = asy_call(vm, hook, 2, hargs, NULL);
      if (IS_EXC(r)) return -1;
      return asy_truthy(vm, r);
    }
  }
  if (sub) return asy_is_subclass(AS_CLASS(v), cls) ? 1 : 0;
  return real_isinstance(vm, v, cls);
}

static Value type_instancecheck_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_CLASS, "__instancecheck__", "type");
  if (!asy_args(vm, "__instancecheck__", argc - 1, kw, 1, 1)) return EXC_VAL;
  int r = real_isinstance(vm, args[1], AS_CLASS(args[0]));
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

/* ---- property / staticmethod / classmethod ------------------------------------------- */

static Value property_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"fget", "fset", "fdel", "doc", NULL};
  if (argc < 1 || !IS_CLASS(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "property.__new__(X): X is not a type object");
  if (argc > 5)
    return asy_raise(vm, vm->exc.TypeError, "property() takes at most 4 arguments (%d given)",
                     argc - 1);
  if (!asy_check_kw(vm, "property", kw, names)) return EXC_VAL;
  Value v[4] = {NONE_VAL, NONE_VAL, NONE_VAL, NONE_VAL};
  for (int i = 1; i < argc; i++) v[i - 1] = args[i];
  for (int i = 0; i < 4; i++) {
    Value k = asy_kwarg(vm, kw, names[i]);
    if (!IS_UNDEF(k)) v[i] = k;
  }
  ObjWrapper *w = wrapper_new(vm, W_PROPERTY, v[0]);
  w->obj.cls = AS_CLASS(args[0]);
  w->fset = v[1];
  w->fdel = v[2];
  w->doc = v[3];
  return OBJ_VAL(w);
}

#define SELF_WRAPPER(meth, tname) ASY_SELF(OBJ_WRAPPER, meth, tname)

/* getter/setter/deleter: a copy of the property with one function replaced. */
static Value property_copy(VM *vm, int argc, Value *args, ObjDict *kw, int which,
                           const char *meth) {
  SELF_WRAPPER(meth, "property");
  if (!asy_args(vm, meth, argc - 1, kw, 1, 1)) return EXC_VAL;
  ObjWrapper *src = (ObjWrapper *)AS_OBJ(args[0]);
  ObjWrapper *w = wrapper_new(vm, W_PROPERTY, src->fget);
  w->obj.cls = src->obj.cls;
  w->fset = src->fset;
  w->fdel = src->fdel;
  w->doc = src->doc;
  if (which == 0) w->fget = args[1];
  else if (which == 1) w->fset = args[1];
  else w->fdel = args[1];
  return OBJ_VAL(w);
}

static Value property_getter(VM *vm, int argc, Value *args, ObjDict *kw) {
  return property_copy(vm, argc, args, kw, 0, "getter");
}
static Value property_setter(VM *vm, int argc, Value *args, ObjDict *kw) {
  return property_copy(vm, argc, args, kw, 1, "setter");
}
static Value property_deleter(VM *vm, int argc, Value *args, ObjDict *kw) {
  return property_copy(vm, argc, args, kw, 2, "deleter");
}

static Value property_get_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_WRAPPER("__get__", "property");
  if (!asy_args(vm, "__get__", argc - 1, kw, 1, 2)) return EXC_VAL;
  if (IS_NONE(args[1])) return args[0];
  ObjWrapper *w = (ObjWrapper *)AS_OBJ(args[0]);
  ObjStr *n = IS_FUNCTION(w->fget) ? AS_FUNCTION(w->fget)->name : asy_str_cstr(vm, "?");
  return property_get(vm, w, args[1], n);
}

static Value property_set_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_WRAPPER("__set__", "property");
  if (!asy_args(vm, "__set__", argc - 1, kw, 2, 2)) return EXC_VAL;
  ObjWrapper *w = (ObjWrapper *)AS_OBJ(args[0]);
  if (IS_NONE(w->fset)) return asy_raise(vm, vm->exc.AttributeError, "property has no setter");
  Value a[2] = {args[1], args[2]};
  return asy_call(vm, w->fset, 2, a, NULL);
}

/* staticmethod.__new__ and classmethod.__new__ (`type` names the one in messages). */
static Value method_wrapper_new(VM *vm, int kind, const char *type, int argc, Value *args,
                                ObjDict *kw) {
  if (argc < 1 || !IS_CLASS(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "%s.__new__(X): X is not a type object", type);
  if (!asy_args(vm, type, argc - 1, kw, 1, 1)) return EXC_VAL;
  ObjWrapper *w = wrapper_new(vm, kind, args[1]);
  w->obj.cls = AS_CLASS(args[0]);
  return OBJ_VAL(w);
}

static Value staticmethod_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  return method_wrapper_new(vm, W_STATIC, "staticmethod", argc, args, kw);
}

static Value classmethod_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  return method_wrapper_new(vm, W_CLASS, "classmethod", argc, args, kw);
}

static Value wrapper_get_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_WRAPPER("__get__", "staticmethod");
  if (!asy_args(vm, "__get__", argc - 1, kw, 1, 2)) return EXC_VAL;
  ObjWrapper *w = (ObjWrapper *)AS_OBJ(args[0]);
  ObjClass *cls = argc > 2 && IS_CLASS(args[2]) ? AS_CLASS(args[2]) : asy_class_of(vm, args[1]);
  return descr_get(vm, args[0], IS_NONE(args[1]) ? UNDEF_VAL : args[1], cls,
                   IS_FUNCTION(w->fget) ? AS_FUNCTION(w->fget)->name : vm->names.empty);
}

static Value wrapper_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_WRAPPER("__repr__", "property");
  (void)kw;
  ObjWrapper *w = (ObjWrapper *)AS_OBJ(args[0]);
  if (w->kind == W_PROPERTY) return asy_object_repr(vm, args[0]);
  if (w->kind == W_MEMBER)
    return OBJ_VAL(asy_str_printf(vm, "<member '%s' of '%s' objects>", AS_STR(w->fget)->chars,
                                  AS_CLASS(w->fset)->name->chars));
  Value r = asy_repr(vm, w->fget);
  if (IS_EXC(r)) return r;
  return OBJ_VAL(asy_str_printf(vm, "<%s(%s)>", w->obj.cls->name->chars, AS_STR(r)->chars));
}

/* ---- super ------------------------------------------------------------------------ */

static Value super_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_CLASS(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "super.__new__(X): X is not a type object");
  if (kw && kw->count)
    return asy_raise(vm, vm->exc.TypeError, "super() takes no keyword arguments");
  if (argc == 1) return asy_raise(vm, vm->exc.RuntimeError, "super(): no arguments");
  if (argc > 3)
    return asy_raise(vm, vm->exc.TypeError, "super() expected at most 2 arguments, got %d",
                     argc - 1);
  if (!IS_CLASS(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "super() argument 1 must be a type, not %s",
                     asy_type_name(vm, args[1]));
  ObjClass *start = AS_CLASS(args[1]);
  Value self = argc == 3 ? args[2] : NONE_VAL;
  if (argc == 3) {
    bool ok = (IS_CLASS(self) && asy_is_subclass(AS_CLASS(self), start)) ||
              asy_isinstance(vm, self, start);
    if (!ok)
      return asy_raise(vm, vm->exc.TypeError,
                       "super(type, obj): obj (%s %s) is not an instance or subtype of type (%s).",
                       IS_CLASS(self) ? "type" : "instance of",
                       IS_CLASS(self) ? AS_CLASS(self)->name->chars : asy_type_name(vm, self),
                       start->name->chars);
  }
  ObjSuper *s = (ObjSuper *)asy_alloc_obj(vm, sizeof(ObjSuper), OBJ_SUPER, AS_CLASS(args[0]));
  s->start = start;
  s->self = self;
  return OBJ_VAL(s);
}

static Value super_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_SUPER, "__repr__", "super");
  (void)kw;
  ObjSuper *s = (ObjSuper *)AS_OBJ(args[0]);
  const char *objtype =
      IS_CLASS(s->self) ? AS_CLASS(s->self)->name->chars : asy_type_name(vm, s->self);
  return OBJ_VAL(
      asy_str_printf(vm, "<super: <class '%s'>, <%s object>>", s->start->name->chars, objtype));
}

/* ---- init ------------------------------------------------------------------------- */

/* The natives check their own arguments (ASY_UNCHECKED), as they did before tables. */
#define U ASY_UNCHECKED
/* clang-format off */
static const AsyMethodDef object_methods[] = {
  {"__new__", object_new, U}, {"__init__", object_init, U}, {"__eq__", object_eq, U},
  {"__ne__", object_ne, U}, {"__hash__", object_hash, U}, {"__repr__", object_repr, U},
  {"__str__", object_str, U}, {"__setattr__", object_setattr_m, U},
  {"__delattr__", object_delattr_m, U}, {"__getattribute__", object_getattribute_m, U},
  {"__format__", object_format_m, U}, {"__dir__", object_dir_m, U}, {0},
};
static const AsyMethodDef type_methods[] = {
  {"__new__", type_new, U}, {"__init__", type_init, U}, {"__call__", type_call_m, U}, {"__repr__", type_repr_m, U},
  {"mro", type_mro_m, U}, {"__subclasscheck__", type_subclasscheck_m, U},
  {"__instancecheck__", type_instancecheck_m, U}, {0},
};
static const AsyMethodDef property_methods[] = {
  {"__new__", property_new, U}, {"getter", property_getter, U}, {"setter", property_setter, U},
  {"deleter", property_deleter, U}, {"__get__", property_get_m, U},
  {"__set__", property_set_m, U}, {"__repr__", wrapper_repr_m, U}, {0},
};
static const AsyMethodDef staticmethod_methods[] = {
  {"__new__", staticmethod_new, U}, {"__get__", wrapper_get_m, U},
  {"__repr__", wrapper_repr_m, U}, {0},
};
static const AsyMethodDef classmethod_methods[] = {
  {"__new__", classmethod_new, U}, {"__get__", wrapper_get_m, U},
  {"__repr__", wrapper_repr_m, U}, {0},
};
static const AsyMethodDef member_methods[] = {
  {"__get__", wrapper_get_m, U}, {"__repr__", wrapper_repr_m, U}, {0},
};
static const AsyMethodDef super_methods[] = {
  {"__new__", super_new, U}, {"__repr__", super_repr_m, U}, {0},
};
/* clang-format on */
#undef U

void asy_init_object_types(VM *vm) {
  vm->exc.Exception->flags |= CLASS_IS_EXCEPTION;
  vm->exc.ExceptionGroup->flags |= CLASS_IS_EXCEPTION_GROUP;
  ObjClass *o = vm->types.object;
  asy_def_natives(vm, o, NULL, object_methods);
  ObjNative *isc = asy_native_new(vm, "__init_subclass__", object_init_subclass);
  isc->owner = o;
  asy_dict_set_str(vm, o->dict, vm->names.init_subclass,
                   OBJ_VAL(wrapper_new(vm, W_CLASS, OBJ_VAL(isc))));
  ObjNative *sch = asy_native_new(vm, "__subclasshook__", object_subclasshook);
  sch->owner = o;
  asy_dict_set_str(vm, o->dict, sch->name, OBJ_VAL(wrapper_new(vm, W_CLASS, OBJ_VAL(sch))));
  asy_dict_set_str(vm, o->dict, vm->names.doc,
                   STR_VAL(vm, "The base class of the class hierarchy."));

  asy_def_natives(vm, vm->types.type, NULL, type_methods);
  asy_def_natives(vm, vm->types.property, NULL, property_methods);
  asy_def_natives(vm, vm->types.staticmethod, NULL, staticmethod_methods);
  asy_def_natives(vm, vm->types.member_descriptor, NULL, member_methods);
  asy_def_natives(vm, vm->types.classmethod, NULL, classmethod_methods);
  asy_def_natives(vm, vm->types.super, NULL, super_methods);

  asy_init_func_types(vm);
  asy_init_range_types(vm);
  asy_init_iter_types(vm);
  asy_init_ops_natives(vm);
}

/* ---- attribute sites (class.h) -------------------------------------------------------- */

/* Record what a lookup of name on instances of cls meets: PLAIN when the instance dict
** and the class attribute decide alone (no __getattribute__, no data descriptor, no
** user __setattr__ for a store, a dict to hold the value). */
static void site_fill(VM *vm, AsyAttrSite *s, Value obj, ObjStr *name, bool store) {
  ObjClass *cls = AS_OBJ(obj)->cls;
  s->cls = cls;
  s->epoch = vm->class_epoch;
  s->kind = ASY_SITE_SLOW;
  s->class_entry = NULL;
  s->class_value = UNDEF_VAL;
  if (cls->flags & (CLASS_HAS_GETATTRIBUTE | CLASS_BOXED | CLASS_BUILTIN)) return;
  if (name == vm->names.class_ || name == vm->names.dict) return;
  if (store) {
    Value hook = asy_class_lookup_cached(vm, cls, vm->names.setattr);
    if (!IS_UNDEF(hook) && !IS_NATIVE(hook)) return;
  }
  DictEntry *e = class_entry(vm, cls, name);
  Value attr = e ? e->value : UNDEF_VAL;
  ObjDict *d = AS_INSTANCE(obj)->dict;
  int kind = ASY_SITE_PLAIN;
  if (!IS_UNDEF(attr) && is_data_descriptor(vm, attr)) {
    /* A __slots__ member of a class obj is an instance of: its value lives in the
    ** object's slot table, which the site reads like an instance dict. */
    ObjWrapper *w = IS_OBJ_TYPE(attr, OBJ_WRAPPER) ? (ObjWrapper *)AS_OBJ(attr) : NULL;
    if (!w || w->kind != W_MEMBER || !(cls->flags & CLASS_HAS_SLOTS) ||
        !asy_is_subclass(cls, AS_CLASS(w->fset)) || AS_STR(w->fget) != name)
      return;
    kind = ASY_SITE_SLOTS;
    d = ((ObjBoxed *)AS_OBJ(obj))->slots;
  }
  if (d) {
    int64_t ix = asy_dict_find_str(d, name);
    s->hint = ix >= 0 ? (uint32_t)ix : 0;
  }
  s->class_entry = e;
  s->class_value = attr;
  s->kind = (uint8_t)kind;
}

/* The site applies to obj: an instance of the class it was filled for, with nothing
** changed since (a class attribute replaced in place keeps the epoch: compare it). A
** SLOW site hits too: it says to take the generic path without refilling. */
static inline bool site_hit(VM *vm, const AsyAttrSite *s, Value obj) {
  return IS_OBJ_TYPE(obj, OBJ_INSTANCE) && AS_OBJ(obj)->cls == s->cls &&
         s->kind != ASY_SITE_CLASS && s->epoch == vm->class_epoch &&
         (!s->class_entry || asy_same(s->class_entry->value, s->class_value));
}

/* name's entry in d: at the hint, or found (and the hint moved); NULL when absent. */
static inline DictEntry *site_find(AsyAttrSite *s, ObjDict *d, ObjStr *name) {
  if (!d) return NULL;
  DictEntry *e = asy_site_hint_entry(s, d, name);
  if (e) return e;
  int64_t ix = asy_dict_find_str(d, name);
  if (ix < 0) return NULL;
  s->hint = (uint32_t)ix;
  return &d->entries[ix];
}

/* The way of a site that applies to obj, or NULL. */
static inline AsyAttrSite *site_pick(VM *vm, AsyAttrSite *ways, Value obj) {
  for (int i = 0; i < ASY_SITE_WAYS; i++)
    if (site_hit(vm, &ways[i], obj)) return &ways[i];
  return NULL;
}

/* A miss: the newest receiver takes the first way, the others move down one (the
** oldest is dropped). Returns that first way, to be filled. */
static AsyAttrSite *site_take_first(AsyAttrSite *ways) {
  memmove(&ways[1], &ways[0], sizeof *ways * (ASY_SITE_WAYS - 1));
  return &ways[0];
}

static void site_refill(VM *vm, AsyAttrSite *ways, Value obj, ObjStr *name, bool store) {
  site_fill(vm, site_take_first(ways), obj, name, store);
}

const AsyAttrSite *asy_site_class_way(VM *vm, const AsyAttrSite *ways, Value obj) {
  ObjClass *c = (ObjClass *)AS_OBJ(obj);
  for (int i = 0; i < ASY_SITE_WAYS; i++) {
    const AsyAttrSite *s = &ways[i];
    if (s->cls != c || s->kind != ASY_SITE_CLASS) continue;
    return s->epoch == vm->class_epoch && asy_same(s->class_entry->value, s->class_value) ? s
                                                                                       : NULL;
  }
  return NULL;
}

const Value *asy_class_getattr_fast(VM *vm, const AsyAttrSite *ways, Value obj) {
  const AsyAttrSite *s = asy_site_class_way(vm, ways, obj);
  return s && s->hint == ASY_CLASS_SITE_VALUE ? &s->class_value : NULL;
}

const Value *asy_class_load_method_fast(VM *vm, const AsyAttrSite *ways, Value obj) {
  const AsyAttrSite *s = asy_site_class_way(vm, ways, obj);
  if (!s || s->hint != ASY_CLASS_SITE_CLASSMETHOD) return NULL;
  return &((ObjWrapper *)AS_OBJ(s->class_value))->fget; /* called with the class first */
}

/* A miss on class object obj: remember what name finds on it when an ASY_SITE_CLASS way
** can stand for the lookup (class.h), moving the other ways down one. */
static void class_site_refill(VM *vm, AsyAttrSite *ways, Value obj, ObjStr *name) {
  ObjClass *c = AS_CLASS(obj);
  if (c->obj.cls != vm->types.type || (c->flags & CLASS_BUILTIN) ||
      !IS_UNDEF(asy_class_lookup_cached(vm, vm->types.type, name)))
    return;
  DictEntry *e = class_entry(vm, c, name);
  if (!e) return;
  Value v = e->value;
  int how = ASY_CLASS_SITE_VALUE;
  if (IS_OBJ_TYPE(v, OBJ_WRAPPER)) {
    int kind = ((ObjWrapper *)AS_OBJ(v))->kind;
    if (kind != W_CLASS && kind != W_STATIC) return;
    how = kind == W_CLASS ? ASY_CLASS_SITE_CLASSMETHOD : ASY_CLASS_SITE_STATICMETHOD;
  } else if (IS_OBJ(v) && (OBJ_TYPE(v) == OBJ_NATIVE || has_special(vm, v, "__get__"))) {
    return; /* bound or computed on each access */
  }
  *site_take_first(ways) = (AsyAttrSite){.cls = c, .epoch = vm->class_epoch, .class_entry = e,
                          .class_value = v, .hint = (uint32_t)how, .kind = ASY_SITE_CLASS};
}

/* The entry of a module's own name that a MODULE way of the site remembers, still valid,
** or NULL. */
static DictEntry *module_site_entry(AsyAttrSite *ways, Value obj) {
  ObjModule *m = AS_MODULE(obj);
  for (int i = 0; i < ASY_SITE_WAYS; i++)
    if (ways[i].kind == ASY_SITE_MODULE && ways[i].cls == (ObjClass *)m)
      return ways[i].epoch == m->dict->version ? ways[i].class_entry : NULL;
  return NULL;
}

/* A miss on module obj: remember name's entry in its namespace, when it has one. */
static void module_site_refill(VM *vm, AsyAttrSite *ways, Value obj, ObjStr *name) {
  ObjDict *d = AS_MODULE(obj)->dict;
  if (name == vm->names.dict || name == vm->names.class_) return;
  int64_t ix = asy_dict_find_str(d, name);
  if (ix < 0) return; /* module __getattr__, or an error */
  *site_take_first(ways) = (AsyAttrSite){.cls = (ObjClass *)AS_MODULE(obj), .epoch = d->version,
                          .class_entry = &d->entries[ix], .kind = ASY_SITE_MODULE};
}

Value asy_getattr_site(VM *vm, Value obj, ObjStr *name, AsyAttrSite *ways) {
  if (IS_OBJ_TYPE(obj, OBJ_MODULE)) {
    DictEntry *e = module_site_entry(ways, obj);
    if (e) return e->value;
    Value v = asy_getattr(vm, obj, name);
    if (!IS_EXC(v)) module_site_refill(vm, ways, obj, name);
    return v;
  }
  if (IS_OBJ_TYPE(obj, OBJ_CLASS)) {
    const AsyAttrSite *cs = asy_site_class_way(vm, ways, obj);
    if (cs && cs->hint == ASY_CLASS_SITE_STATICMETHOD)
      return ((ObjWrapper *)AS_OBJ(cs->class_value))->fget;
    Value v = asy_getattr(vm, obj, name);
    if (!cs && !IS_EXC(v)) class_site_refill(vm, ways, obj, name);
    return v;
  }
  AsyAttrSite *s = site_pick(vm, ways, obj);
  if (s && s->kind != ASY_SITE_SLOW) {
    DictEntry *e = site_find(s, asy_site_dict(s, obj), name);
    if (e) return e->value;
    if (s->class_entry && s->kind == ASY_SITE_PLAIN)
      return descr_get(vm, s->class_entry->value, obj, s->cls, name);
  }
  Value v = asy_getattr(vm, obj, name);
  if (!s && !IS_EXC(v) && IS_OBJ_TYPE(obj, OBJ_INSTANCE)) site_refill(vm, ways, obj, name, false);
  return v;
}

/* obj's methods are its built-in class's alone: no instance dict, no __getattribute__,
** not a class, module or super object (their lookups differ). */
static bool builtin_method_receiver(Value obj) {
  switch (OBJ_TYPE(obj)) {
  case OBJ_INSTANCE:
  case OBJ_EXCEPTION:
  case OBJ_CLASS:
  case OBJ_MODULE:
  case OBJ_SUPER: return false;
  default: break;
  }
  ObjClass *cls = AS_OBJ(obj)->cls;
  return (cls->flags & CLASS_BUILTIN) && !(cls->flags & CLASS_HAS_GETATTRIBUTE);
}

/* obj is an instance of a user subclass of a built-in container (its own layout, a
** __dict__ only once given an attribute), whose class has no __getattribute__. */
static bool builtin_subclass_receiver(VM *vm, Value obj) {
  switch (OBJ_TYPE(obj)) {
  case OBJ_LIST:
  case OBJ_DICT:
  case OBJ_SET:
  case OBJ_TUPLE: break;
  default: return false;
  }
  ObjClass *cls = AS_OBJ(obj)->cls;
  return !(cls->flags & (CLASS_BUILTIN | CLASS_HAS_GETATTRIBUTE)) && !instance_dict(vm, obj, false);
}

bool asy_load_method_site(VM *vm, Value obj, ObjStr *name, Value *meth, Value *self,
                          AsyAttrSite *ways) {
  if (IS_OBJ_TYPE(obj, OBJ_MODULE)) { /* a module's function: called without self */
    DictEntry *e = module_site_entry(ways, obj);
    if (e) {
      *meth = e->value;
      *self = UNDEF_VAL;
      return true;
    }
    if (!asy_load_method(vm, obj, name, meth, self, false)) return false;
    module_site_refill(vm, ways, obj, name);
    return true;
  }
  if (IS_OBJ_TYPE(obj, OBJ_CLASS)) {
    const AsyAttrSite *cs = asy_site_class_way(vm, ways, obj);
    if (cs && cs->hint != ASY_CLASS_SITE_CLASSMETHOD) { /* a function, no self */
      *meth = cs->hint == ASY_CLASS_SITE_STATICMETHOD ? ((ObjWrapper *)AS_OBJ(cs->class_value))->fget
                                                      : cs->class_value;
      *self = UNDEF_VAL;
      return true;
    }
    if (!asy_load_method(vm, obj, name, meth, self, false)) return false;
    if (!cs) class_site_refill(vm, ways, obj, name);
    return true;
  }
  if (IS_OBJ(obj) && OBJ_TYPE(obj) != OBJ_INSTANCE) {
    ObjClass *cls = AS_OBJ(obj)->cls;
    for (int i = 0; i < ASY_SITE_WAYS; i++) {
      AsyAttrSite *w = &ways[i];
      if (w->cls == cls && w->kind == ASY_SITE_BUILTIN_SUB && w->epoch == vm->class_epoch &&
          asy_same(w->class_entry->value, w->class_value) && !instance_dict(vm, obj, false)) {
        *meth = w->class_value;
        *self = obj;
        return true;
      }
    }
  }
  AsyAttrSite *s = site_pick(vm, ways, obj);
  if (s && s->kind == ASY_SITE_PLAIN && s->class_entry) {
    Value attr = s->class_entry->value;
    ObjDict *d = AS_INSTANCE(obj)->dict;
    if ((IS_FUNCTION(attr) || (IS_NATIVE(attr) && IS_UNDEF(AS_NATIVE(attr)->self))) &&
        (!d || !(d->key_bloom & asy_dict_bloom_bit(asy_str_hash(name))) ||
         asy_dict_find_str(d, name) < 0)) {
      *meth = attr;
      *self = obj;
      return true;
    }
  }
  if (!asy_load_method(vm, obj, name, meth, self, false)) return false;
  if (!s && IS_OBJ_TYPE(obj, OBJ_INSTANCE)) site_refill(vm, ways, obj, name, false);
  else if (IS_OBJ(obj) && builtin_method_receiver(obj) && asy_same(*self, obj) &&
           (IS_FUNCTION(*meth) || (IS_NATIVE(*meth) && IS_UNDEF(AS_NATIVE(*meth)->self)))) {
    *site_take_first(ways) = (AsyAttrSite){.cls = AS_OBJ(obj)->cls, .epoch = vm->class_epoch,
                            .class_value = *meth, .kind = ASY_SITE_BUILTIN};
  } else if (IS_OBJ(obj) && builtin_subclass_receiver(vm, obj) && asy_same(*self, obj) &&
             IS_NATIVE(*meth) && IS_UNDEF(AS_NATIVE(*meth)->self)) {
    ObjClass *cls = AS_OBJ(obj)->cls;
    DictEntry *e = class_entry(vm, cls, name);
    if (e && asy_same(e->value, *meth)) {
      *site_take_first(ways) = (AsyAttrSite){.cls = cls, .epoch = vm->class_epoch, .class_entry = e,
                              .class_value = *meth, .kind = ASY_SITE_BUILTIN_SUB};
    }
  }
  return true;
}

bool asy_setattr_site(VM *vm, Value obj, ObjStr *name, Value value, AsyAttrSite *ways) {
  AsyAttrSite *s = site_pick(vm, ways, obj);
  if (s && s->kind != ASY_SITE_SLOW) {
    ObjDict *d = asy_site_dict(s, obj);
    /* A clear bloom bit: a new attribute (__init__), no probe needed to know it. */
    bool absent = d && !(d->key_bloom & asy_dict_bloom_bit(asy_str_hash(name)));
    DictEntry *e = absent ? NULL : site_find(s, d, name);
    if (e) {
      e->value = value; /* a value update: the dict's layout (version) stays */
      return true;
    }
    /* A new attribute: nothing in the way, or the slot's own table. */
    if (!d && s->kind == ASY_SITE_SLOTS) d = ((ObjBoxed *)AS_OBJ(obj))->slots = asy_dict_new(vm);
    if (d) {
      asy_dict_add_absent_str(vm, d, name, value);
      s->hint = (uint32_t)(d->used - 1); /* a new key is appended */
      return true;
    }
  }
  if (!asy_setattr(vm, obj, name, value)) return false;
  if (!s && IS_OBJ_TYPE(obj, OBJ_INSTANCE)) site_refill(vm, ways, obj, name, true);
  return true;
}
