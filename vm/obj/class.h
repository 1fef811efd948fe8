/*
** class.h — what class.c offers beyond vm.h's attribute protocol: the body of the class
** statement, descriptor binding, property/staticmethod/classmethod objects, the class
** repr, and the init hook of the object-side types.
*/
#ifndef ASY_CLASS_H
#define ASY_CLASS_H

#include "vm/vm.h"

/* BUILD_CLASS: slot[0] body function, slot[1] name, slot[2] bases, slot[3] kwnames or
** None, slot[4..4+nkw) keyword values. Returns the class or EXC_VAL. */
Value asy_build_class(VM *vm, Value *slot, int nkw);

/* descr.__get__(obj, cls) for a value found on a class (obj UNDEF: accessed through
** the class): functions/natives bind, staticmethod unwraps, classmethod binds cls,
** property calls its getter, user descriptors get __get__ called. */
Value asy_bind(VM *vm, Value descr, Value obj, ObjClass *cls, ObjStr *name);

/* A property (kind 0), staticmethod (1) or classmethod (2) object around fget. */
ObjWrapper *asy_wrapper_new(VM *vm, int kind, Value fget);
/* A read-only property whose getter is a native (args[0] is the instance), as CPython's
** getset/member descriptors (range.start, function.__name__ …). */
void asy_def_property(VM *vm, ObjClass *cls, const char *name, NativeFn get);

/* type.__call__(cls, *args, **kw): __new__ then __init__, past any metaclass __call__
** (vm/call.c). */
Value asy_type_call(VM *vm, Value cls, int argc, Value *args, ObjDict *kw);

/* An instance of cls (a CLASS_BOXED subclass of int or float) standing for value. */
Value asy_boxed_new(VM *vm, ObjClass *cls, Value value);

/* The __dict__ obj has already (an instance's, a function's, a subclass instance of a
** built-in's), or NULL: none, or not made yet. */
ObjDict *asy_object_dict(VM *vm, Value obj);

/* repr `<class '__main__.Foo'>`. */
Value asy_class_repr(VM *vm, ObjClass *c);

/* Attribute sites (object.h's AsyAttrSite): LOAD_ATTR and STORE_ATTR through the
** site's inline cache, with exactly asy_getattr / asy_load_method / asy_setattr's
** semantics; a miss takes those paths and refills the site. A site is ASY_SITE_WAYS
** entries (object.h), one per receiver class, so polymorphic code (a method reached by
** instances of several subclasses) still hits. */
enum {
  ASY_SITE_EMPTY,
  ASY_SITE_PLAIN,
  ASY_SITE_SLOTS,
  ASY_SITE_SLOW,
  ASY_SITE_BUILTIN,
  ASY_SITE_CLASS,
  ASY_SITE_BUILTIN_SUB,
  ASY_SITE_MODULE
};
/* ASY_SITE_MODULE: a name of a module's own namespace (`math.sqrt(x)`, `random.random()`):
** cls is the module object itself (cast), epoch the layout version its dict had, and
** class_entry the dict entry, read each time (rebinding the name keeps the version). */
/* ASY_SITE_BUILTIN_SUB: a built-in type's method reached by an instance of a user
** subclass of it (`class OrderedCollection(list)`, `self.append(x)`): cls is the
** subclass, class_entry and class_value the method its MRO finds; it applies while the
** instance has no __dict__ of its own. */
/* ASY_SITE_CLASS: an attribute of a class object itself (`Direction.FORWARD`,
** `Strength.stronger(a, b)`), whose metaclass is exactly type and type has no attribute
** of that name: cls is that class (not its type), class_entry and class_value what its
** MRO finds, and hint how a load treats it (enum below). */
enum { ASY_CLASS_SITE_VALUE, ASY_CLASS_SITE_CLASSMETHOD, ASY_CLASS_SITE_STATICMETHOD };
/* ASY_SITE_BUILTIN: a method of a built-in type (`lst.append`, `s.join`) for LOAD_ATTR's
** method form: cls is the receiver's class (immutable, so nothing can shadow it),
** class_value the method found. */
Value asy_getattr_site(VM *vm, Value obj, ObjStr *name, AsyAttrSite *s);
bool asy_load_method_site(VM *vm, Value obj, ObjStr *name, Value *meth, Value *self,
                          AsyAttrSite *s);
bool asy_setattr_site(VM *vm, Value obj, ObjStr *name, Value value, AsyAttrSite *s);

/* The inline hits of the three, tried by the loop before the calls above: the way of
** the site that applies to obj (an instance of its class, nothing changed since) when it
** is PLAIN or SLOTS, or NULL. */
static inline const AsyAttrSite *asy_site_way(VM *vm, const AsyAttrSite *ways, Value obj) {
  if (!IS_OBJ_TYPE(obj, OBJ_INSTANCE)) return NULL;
  ObjClass *cls = AS_OBJ(obj)->cls;
  for (int i = 0; i < ASY_SITE_WAYS; i++) {
    const AsyAttrSite *s = &ways[i];
    if (s->cls != cls) continue;
    if (s->epoch != vm->class_epoch) return NULL;
    if (s->kind == ASY_SITE_PLAIN) return s;
    /* a slot's member descriptor must still be the one the site saw */
    return s->kind == ASY_SITE_SLOTS && s->class_entry &&
                   asy_same(s->class_entry->value, s->class_value)
               ? s
               : NULL;
  }
  return NULL;
}
/* Where a PLAIN or SLOTS site finds the value: the instance dict or the slot table. */
static inline ObjDict *asy_site_dict(const AsyAttrSite *s, Value obj) {
  return s->kind == ASY_SITE_SLOTS ? ((ObjBoxed *)AS_OBJ(obj))->slots : AS_INSTANCE(obj)->dict;
}
/* name's entry in d at the site's hint, or NULL. */
static inline DictEntry *asy_site_hint_entry(const AsyAttrSite *s, ObjDict *d, ObjStr *name) {
  if (!d || s->hint >= d->used) return NULL;
  return asy_dict_key_is(d, s->hint, name) ? &d->entries[s->hint] : NULL;
}
/* The entry of name at the site's hint in the instance dict (PLAIN, with no class
** attribute of that name to weigh) or slot table (SLOTS), or NULL. */
static inline DictEntry *asy_site_entry(const AsyAttrSite *s, Value obj, ObjStr *name) {
  if (s->kind == ASY_SITE_PLAIN && s->class_entry) return NULL;
  return asy_site_hint_entry(s, asy_site_dict(s, obj), name);
}
/* The ASY_SITE_CLASS way of a site for class object obj, still valid, or NULL. */
const AsyAttrSite *asy_site_class_way(VM *vm, const AsyAttrSite *ways, Value obj);
/* The class-object hits of the two below (out of line: rarer than instances): where
** the value is, or NULL. */
const Value *asy_class_getattr_fast(VM *vm, const AsyAttrSite *ways, Value obj);
const Value *asy_class_load_method_fast(VM *vm, const AsyAttrSite *ways, Value obj);
/* LOAD_ATTR: where obj.name's value is, in the instance dict or slot table at the hint
** or a class's own attribute that needs no binding; NULL otherwise. (A pointer, not a
** copy: the loop reads Values by halves, interp.c's vload.) */
__attribute__((always_inline)) static inline const Value *
asy_getattr_fast(VM *vm, Value obj, ObjStr *name, const AsyAttrSite *ways) {
  const AsyAttrSite *s = asy_site_way(vm, ways, obj);
  DictEntry *e = s ? asy_site_entry(s, obj, name) : NULL;
  if (e) return &e->value;
  return !s && IS_OBJ_TYPE(obj, OBJ_CLASS) ? asy_class_getattr_fast(vm, ways, obj) : NULL;
}
/* STORE_ATTR: obj.name = v over the entry at the hint (a value update keeps the dict's
** layout). */
static inline bool asy_setattr_fast(VM *vm, Value obj, ObjStr *name, const AsyAttrSite *ways,
                                   Value v) {
  const AsyAttrSite *s = asy_site_way(vm, ways, obj);
  DictEntry *e = s ? asy_site_entry(s, obj, name) : NULL;
  if (!e) return false;
  e->value = v;
  return true;
}
/* LOAD_ATTR's method form: where the class's function is, when the instance dict's
** key_bloom proves it lacks name (or a built-in type's method, a classmethod through its
** class), to be called with obj first; NULL otherwise. */
__attribute__((always_inline)) static inline const Value *
asy_load_method_fast(VM *vm, Value obj, ObjStr *name, const AsyAttrSite *ways) {
  if (IS_OBJ_TYPE(obj, OBJ_CLASS)) return asy_class_load_method_fast(vm, ways, obj);
  if (IS_OBJ(obj) && OBJ_TYPE(obj) != OBJ_INSTANCE) {
    ObjClass *cls = AS_OBJ(obj)->cls;
    for (int i = 0; i < ASY_SITE_WAYS; i++)
      if (ways[i].cls == cls)
        return ways[i].kind == ASY_SITE_BUILTIN && ways[i].epoch == vm->class_epoch
                   ? &ways[i].class_value
                   : NULL;
    return NULL;
  }
  const AsyAttrSite *s = asy_site_way(vm, ways, obj);
  if (!s || s->kind != ASY_SITE_PLAIN || !s->class_entry) return NULL;
  const Value *attr = &s->class_entry->value;
  if (!IS_FUNCTION(*attr)) return NULL;
  ObjDict *d = AS_INSTANCE(obj)->dict;
  if (d && d->count && (name->hash == -1 || (d->key_bloom & asy_dict_bloom_bit(name->hash))))
    return NULL;
  return attr;
}

/* `super(start, self).name` as a method load, without making the super object or a bound
** method: true with *meth the function (or built-in method descriptor) found after start
** in the MRO of self's class, when self is an instance (not a class) of start and name is
** not __class__ (super's own); false for anything else (the caller then calls
** super and loads the method the general way). */
bool asy_super_method(VM *vm, Value start, Value self, ObjStr *name, Value *meth);

/* isinstance(v, cls) (sub: issubclass(v, cls), v a class) for one class, as CPython's
** PyObject_IsInstance: a metaclass's own __instancecheck__/__subclasscheck__ (abc.ABCMeta's)
** decides when there is one; else the MRO of v's type and then a __class__ attribute
** naming another class (a proxy's property). 1/0, -1 with the exception pending. */
int asy_class_check(VM *vm, Value v, ObjClass *cls, bool sub);

/* Fill object, type, NoneType, property/staticmethod/classmethod, super and the types of
** func.c, range.c, iter.c and protocol.c (vm_new's init hook for the object side). */
void asy_init_object_types(VM *vm);

#endif
