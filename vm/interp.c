/*
** interp.c — the bytecode dispatch loop.
**
** One C invocation of asy_run_frames runs every script frame pushed above its entry
** frame: CALL of a script function pushes a frame and keeps going here. The hot state
** (ip, stack pointer, localsplus base, code) lives in C locals; LOAD_FRAME re-reads it
** from the top frame after a call or return, and STORE_FRAME writes the stack pointer
** and ip back (fiber->stack_top, frame->ip) — the one way the loop publishes its state,
** like Lua's Protect and Wren's STORE_FRAME. Every handler declared with TARGET stores on
** entry, so an instruction's operands stay visible to the GC and its position to
** tracebacks while it runs; a handler that pushes and then calls out again must store
** again. The hottest handlers are declared FAST and skip the store: their common case
** neither allocates nor calls, and their slow paths STORE_FRAME first.
**
** The loop has exactly three ways out, reported as AsyRunStatus (interp.h): the entry
** frame returned, an exception left the entry frame, or (the async runtime) the entry
** frame suspended. Every call handler ends in one epilogue (call_finish), which acts on
** the AsyCallStatus of asy_call_prepare; every frame that ends early (a flagged return
** or an exception leaving it) goes through pop_frame.
**
** Where the time goes (bench/fib.asy, bench/loop.asy) and what the loop does about it:
** - global and module-level names: per-code inline caches (AsyNameCache, below);
** - calls of plain script functions: set up inline in CALL, arguments left in place
**   (no copy), returned through Frame.ret; plain returns pop inline too;
** - int arithmetic/comparison: fast paths first; a comparison followed by a
**   conditional jump takes the jump itself, and an int result followed by STORE_FAST
**   is stored straight into the local;
** - fewer dispatches: LOAD_FAST followed by LOAD_CONST (`n - 1`, `i < 10`) pushes both;
** - layout: handlers aligned (the pragma below), common cases marked LIKELY;
** - store-forwarding stalls: Values are read back from the stack in 8-byte halves
**   (vload, below).
**
** Opcode semantics are those written in opcodes.h; the out-of-line helpers are in
** interp_ops.c and the call machinery in call.c. See interp.h for the stack layout,
** the GC rules the loop follows, and exception unwinding.
*/
#include <string.h>

/* Code placement. The dispatch loop's speed depends on where its handlers fall
** relative to 32- and 64-byte boundaries (instruction fetch and branch prediction):
** the loop benchmark measured 8-12% apart between builds that differed only in code it
** never runs. So every branch target that is only ever jumped to — every opcode
** handler — starts on a 32-byte boundary (no padding is executed: nothing falls
** through into them), and asy_run_frames itself starts on a 64-byte boundary
** (ALIGN_HOT), so the layout no longer shifts with the code around it. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("align-jumps=32")
#endif
#if defined(__GNUC__)
#define ALIGN_HOT __attribute__((aligned(64)))
#else
#define ALIGN_HOT
#endif

#include "vm/egroup.h"
#include "vm/gen.h"
#include "vm/gen_drain.h"
#include "vm/interp.h"
#include "vm/match.h"
#include "vm/typeparams.h"
#include "vm/obj/class.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/dict.h"
#include "vm/obj/format.h"
#include "vm/obj/str.h"
#include "vm/opcodes.h"

#if defined(__GNUC__) && !defined(ASY_NO_COMPUTED_GOTO)
#define USE_COMPUTED_GOTO 1
#else
#define USE_COMPUTED_GOTO 0
#endif

/* The innermost exception-table entry covering instruction idx, or NULL. */
static const ExcEntry *find_handler(const ObjCode *co, uint32_t idx) {
  const ExcEntry *best = NULL;
  for (int i = 0; i < co->nexc; i++) {
    const ExcEntry *e = &co->exctable[i];
    if (idx < e->start || idx >= e->end) continue;
    if (!best || e->start > best->start || (e->start == best->start && e->end < best->end))
      best = e;
  }
  return best;
}

/* ---- moving Values through the stack -------------------------------------------------
** A Value written as two 8-byte stores (INT_VAL(r); a call's result, returned in two
** registers) and read back soon after with one 16-byte load — which is how GCC copies
** a 16-byte struct — cannot be forwarded from the CPU's store buffer: the load waits
** for the stores to commit, ~15 cycles. The operand stack is exactly that pattern (a
** push, then a pop a few instructions later); it cost the loop benchmarks up to 40% of
** their time. So the loop moves Values as two 8-byte halves throughout: vload reads
** them into integer registers, and a Value in registers is stored as two halves too
** (16-byte stores read back by halves measured slower as well). */
static inline Value vload(const Value *p) {
  uint64_t tag = p->tag;
  int64_t bits = p->as.i;
#if defined(__GNUC__)
  __asm__("" : "+r"(tag), "+r"(bits)); /* keep GCC from merging them into one SSE load */
#endif
  Value v;
  v.tag = tag;
  v.as.i = bits;
  return v;
}

/* Truthiness with the common immediates inline: 1, 0, -1 on error. */
static inline int truthy(VM *vm, Value v) {
  switch (v.tag) {
  case VAL_BOOL: return AS_BOOL(v);
  case VAL_NONE: return 0;
  case VAL_INT: return v.as.i != 0;
  case VAL_FLOAT: return v.as.f != 0.0;
  default: return asy_truthy(vm, v);
  }
}

/* An int comparison without branching on the operator: bit (1 + sign of x - y) of
** the operator's mask (COMPARE_OP, LOAD_FAST_CMP_INT). */
static const uint8_t cmp_masks[8] = {[CMP_LT] = 1, [CMP_LE] = 3, [CMP_EQ] = 2,
                                     [CMP_NE] = 5, [CMP_GT] = 4, [CMP_GE] = 6};

/* Branch hints: lay the common case out as the straight-line path of a handler. */
#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define LIKELY(x) (x)
#endif

/* Code flags that keep a call off CALL's inline fast path. CODE_COROUTINE: calling an
** async def must create a coroutine, not run the body (the async issue). */
#define FAST_CALL_EXCLUDED \
  (CODE_VARARGS | CODE_VARKW | CODE_COROUTINE | CODE_GENERATOR | CODE_ASYNC_GENERATOR)

static Value name_error(VM *vm, Frame *frame, ObjStr *name) {
  return asy_name_error(vm, name, frame->globals, frame->locals, frame->code);
}

/* ---- global names: the inline cache ------------------------------------------------
** Global and module-level names are the hot dict lookups of a script (every function
** call goes through LOAD_GLOBAL of its name; a module-level loop is all LOAD_NAME /
** STORE_NAME). Each code object keeps one AsyNameCache per entry of code->names
** (object.h): the dict entry where the name was found and the layout version its dict
** had then. While the version is unchanged the entries array has not moved and the
** entry still holds the name, so a hit is one compare and a load instead of hashing
** and probing; any insertion or deletion of a global changes the version and the next
** use refills the cache. A name found in the builtins is valid while the globals keep
** the version that proved it absent from them AND the builtins keep theirs.
** Every frame's code has its cache array (asy_code_caches, at MAKE_FUNCTION and frame
** set-up), so the hit path needs no NULL test. */

static bool uses_load_name(const ObjCode *code) {
  for (int i = 0; i < code->ncode; i++)
    if (ASY_OP(code->code[i]) == OP_LOAD_NAME) return true;
  return false;
}

bool asy_code_plain_params(const ObjCode *code) {
  return !(code->flags & (CODE_VARARGS | CODE_VARKW)) && code->kwonlyargcount == 0 &&
         code->ncells == 0 && !((code->flags & CODE_INLINED_COMP) && uses_load_name(code));
}

void asy_code_caches(VM *vm, ObjCode *code) {
  if (!code->name_cache && code->nnames > 0) {
    AsyNameCache *c = ASY_ALLOC(vm, AsyNameCache, (size_t)code->nnames);
    /* No dict ever reaches version UINT64_MAX, so an unfilled cache never hits. */
    for (int i = 0; i < code->nnames; i++) c[i] = (AsyNameCache){UINT64_MAX, 0, NULL};
    code->name_cache = c;
    /* The attribute sites (class.h), zeroed: ASY_SITE_EMPTY with no class never hits. */
    size_t nsites = 2 * ASY_SITE_WAYS * (size_t)code->nnames;
    AsyAttrSite *s = ASY_ALLOC(vm, AsyAttrSite, nsites);
    memset(s, 0, sizeof *s * nsites);
    code->attr_sites = s;
  }
  /* Decided once here rather than tested at every call. A module-level comprehension
  ** reading names (LOAD_NAME) needs its caller's namespace, which only the full frame
  ** set-up gives it (call.c). */
  if (!(code->flags & (FAST_CALL_EXCLUDED | CODE_FAST_CALL)) && asy_code_plain_params(code)) {
    code->flags |= CODE_FAST_CALL;
    if (code->nlocals == code->argcount && code->nfree == 0) code->flags |= CODE_BARE_FRAME;
  }
}

/* Is cache c's entry still the one for its name in namespace g? (a macro so the hit
** path compiles to straight-line code in each handler) */
#define CACHE_HIT(c, g) \
  ((c)->version == (g)->version && ((c)->bversion == 0 || (c)->bversion == vm->builtins->version))

/* Uncached global lookup of names[k] that refills the cache. UNDEF if not found. */
static Value load_global_slow(VM *vm, ObjCode *code, uint32_t k, ObjDict *g) {
  asy_code_caches(vm, code);
  AsyNameCache *c = &code->name_cache[k];
  ObjStr *name = code->names[k];
  int64_t ix = asy_dict_find_str(g, name);
  if (ix >= 0) {
    *c = (AsyNameCache){g->version, 0, &g->entries[ix]};
    return g->entries[ix].value;
  }
  ObjDict *b = vm->builtins;
  ix = asy_dict_find_str(b, name);
  if (ix < 0) return UNDEF_VAL;
  /* b->version is never 0 here (b holds the name), so bversion 0 still means "in g". */
  *c = (AsyNameCache){g->version, b->version, &b->entries[ix]};
  return b->entries[ix].value;
}

/* d[names[k]] = v for the globals (or a class namespace), through the cache. */
static inline void store_global(VM *vm, ObjCode *code, uint32_t k, ObjDict *d, Value v) {
  AsyNameCache *c = &code->name_cache[k];
  if (c->version == d->version && c->bversion == 0) {
    c->entry->value = v;
    return;
  }
  ObjStr *name = code->names[k];
  asy_dict_set_str(vm, d, name, v);
  *c = (AsyNameCache){d->version, 0, &d->entries[asy_dict_find_str(d, name)]};
}

ALIGN_HOT AsyRunStatus asy_run_frames(VM *vm, Value *result) {
  Fiber *fiber = vm->fiber;
  const size_t mark = asy_temp_mark(vm);
  Frame *frame;
  ObjCode *code;
  uint32_t *ip;
  Value *sp;
  Value *L;
  uint32_t ins;
  uint32_t unwind_idx = 0; /* the instruction whose exception handler to look up */
  uint32_t lasti_idx = 0;  /* the frame's lasti, pushed for handlers that want it */
  Value retval;
  bool raising = false;          /* pop_frame: the frame ends by an exception, not a return */
  Value *call_slot = NULL;       /* call_finish: where the callable was */
  AsyCallStatus call_status;     /* call_finish: how the call was dispatched */
  Value call_result = UNDEF_VAL; /* call_finish: the result of a CALL_DONE call */
  Value *drain_state = NULL;     /* drain_end: the ended drain's slots (gen_drain.h) */

#define LOAD_FRAME() \
  do { \
    frame = &fiber->frames[fiber->frame_count - 1]; \
    code = frame->code; \
    ip = frame->ip; \
    L = frame->base; \
    sp = fiber->stack_top; \
  } while (0)
#define ARG ASY_ARG(ins)
#define PUSH(v) (*sp++ = (v))
#define POP() vload(--sp)
#define TOP() vload(sp - 1)
#define PEEK(n) vload(sp - (int)(n))
#define RESET_TEMPS() asy_temp_reset(vm, mark)
#define STORE_FRAME() (fiber->stack_top = sp, frame->ip = ip)
/* The common one-operand shape: top = call, or the error path. A macro, not a shared
** label, so each handler keeps its own code (see POP_JUMP_IF_FALSE). */
#define REPLACE_TOP(call) \
  do { \
    Value top_ = (call); \
    ERROR_IF(IS_EXC(top_)); \
    sp[-1] = top_; \
    DISPATCH(); \
  } while (0)
/* POP_JUMP_IF_FALSE / _TRUE: pop v, jump when its truth equals `when`. */
#define POP_JUMP_IF(when) \
  do { \
    int t; \
    if (LIKELY(TOP().tag == VAL_BOOL)) { \
      t = AS_BOOL(TOP()); \
    } else { \
      STORE_FRAME(); \
      t = truthy(vm, TOP()); \
      ERROR_IF(t < 0); \
    } \
    sp--; \
    if (t == (when)) ip = code->code + ARG; \
    DISPATCH(); \
  } while (0)
/* A superinstruction off its fast case acts as the LOAD_FAST it replaced: push v, the
** value of local i, or raise if it is unbound. */
#define AS_LOAD_FAST(v, i) \
  do { \
    if (IS_UNDEF(v)) UNBOUND_LOCAL(i); \
    PUSH(v); \
    DISPATCH(); \
  } while (0)
/* LOAD_FAST (or a superinstruction acting as one) of local i, unbound. */
#define UNBOUND_LOCAL(i) \
  do { \
    STORE_FRAME(); \
    asy_unbound_error(vm, code, (int)(i)); \
    goto error; \
  } while (0)
/* BEFORE_WITH / BEFORE_ASYNC_WITH: mgr -- bound_exit enter_result. */
#define ENTER_WITH(async) \
  do { \
    Value exitv = UNDEF_VAL; \
    Value r = asy_before_with(vm, TOP(), &exitv, async); \
    ERROR_IF(IS_EXC(r)); \
    sp[-1] = exitv; \
    PUSH(r); \
    RESET_TEMPS(); \
    DISPATCH(); \
  } while (0)
#define ERROR_IF(cond) \
  do { \
    if (cond) goto error; \
  } while (0)

/* clang-format off */
#if USE_COMPUTED_GOTO
  static void *const targets[OP__COUNT] = {
#define OP(name, pops, pushes, flags, doc) [OP_##name] = &&L_##name,
      ASY_OPCODES(OP)
#undef OP
  };
/* TARGET stores the frame state on entry (the safe default). FAST handlers skip it:
** they run the hot simple cases without calling out and must STORE_FRAME() before
** anything that can allocate, raise or call (their slow paths). */
#define TARGET(name) L_##name: STORE_FRAME();
#define FAST(name) L_##name:
#define DISPATCH() \
  do { \
    ins = *ip++; \
    goto *targets[ASY_OP(ins)]; \
  } while (0)
#else
#define TARGET(name) case OP_##name: STORE_FRAME();
#define FAST(name) case OP_##name:
#define DISPATCH() goto dispatch
#endif
  LOAD_FRAME();
  if (frame->flags & FRAME_THROW) { /* generator throw(): raise at the suspension point */
    frame->flags &= ~FRAME_THROW;
    goto error;
  }

#if USE_COMPUTED_GOTO
  DISPATCH();
  {
#else
dispatch:
  ins = *ip++;
  switch (ASY_OP(ins)) {
#endif

    FAST(NOP) DISPATCH();

    FAST(POP_TOP) {
      sp--;
      if (IS_OBJ_TYPE(*sp, OBJ_GEN)) { /* `work()` without await: warn now, as CPython */
        STORE_FRAME();
        asy_finalize_dropped(vm, *sp);
      }
      DISPATCH();
    }

    FAST(PUSH_NULL) {
      PUSH(UNDEF_VAL);
      DISPATCH();
    }

    FAST(COPY) {
      Value v = PEEK(ARG);
      PUSH(v);
      DISPATCH();
    }

    FAST(SWAP) {
      Value t = TOP(), u = PEEK(ARG);
      sp[-1] = u;
      sp[-(int)ARG] = t;
      DISPATCH();
    }

    FAST(LOAD_CONST) {
      PUSH(vload(&code->consts[ARG]));
      DISPATCH();
    }

    FAST(LOAD_FAST) {
      Value v = vload(&L[ARG]);
      AS_LOAD_FAST(v, ARG);
    }

    /* The superinstructions over LOAD_FAST (opcodes.h, emit.c's fuse). */
    FAST(LOAD_FAST_LOAD_CONST) { /* `f(x, 1)`, `x == None` */
      Value v = vload(&L[ARG]);
      if (IS_UNDEF(v)) UNBOUND_LOCAL(ARG);
      PUSH(v);
      PUSH(vload(&code->consts[ASY_ARG(*ip)]));
      ip++;
      DISPATCH();
    }

    FAST(LOAD_FAST_LOAD_FAST) { /* `a + b`, `f(x, y)` */
      Value v = vload(&L[ARG]);
      if (IS_UNDEF(v)) UNBOUND_LOCAL(ARG);
      uint32_t second = ASY_ARG(*ip);
      Value w = vload(&L[second]);
      PUSH(v);
      if (IS_UNDEF(w)) { /* the second LOAD_FAST raises, from its own position */
        ip++;
        UNBOUND_LOCAL(second);
      }
      PUSH(w);
      ip++;
      DISPATCH();
    }

    FAST(LOAD_FAST_LOAD_ATTR) { /* `self.x`, `self.f(...)`: the site's inline hit */
      Value obj = vload(&L[ARG]);
      uint32_t attr = ASY_ARG(*ip);
      ObjStr *name = code->names[attr >> 1];
      const AsyAttrSite *site = &code->attr_sites[ASY_SITE_WAYS * (attr >> 1)];
      const Value *p = attr & 1 ? asy_load_method_fast(vm, obj, name, site)
                                : asy_getattr_fast(vm, obj, name, site);
      if (LIKELY(p != NULL)) {
        PUSH(vload(p));
        if (attr & 1) PUSH(obj);
        ip++;
        DISPATCH();
      }
      AS_LOAD_FAST(obj, ARG);
    }

    FAST(LOAD_FAST_STORE_ATTR) { /* `self.x = v`: the site's inline hit */
      Value obj = vload(&L[ARG]);
      uint32_t attr = ASY_ARG(*ip);
      if (LIKELY(asy_setattr_fast(vm, obj, code->names[attr],
                                  &code->attr_sites[ASY_SITE_WAYS * (code->nnames + attr)],
                                  sp[-1]))) {
        sp--;
        ip++;
        DISPATCH();
      }
      AS_LOAD_FAST(obj, ARG);
    }

    FAST(LOAD_FAST_ADD_INT) { /* `n - 1` */
      Value v = vload(&L[ARG & 0xff]);
      int64_t r;
      if (LIKELY(v.tag == VAL_INT) &&
          !__builtin_add_overflow(v.as.i, (int64_t)(int16_t)(ARG >> 8), &r)) {
        ip += 2;
        PUSH(INT_VAL(r));
        DISPATCH();
      }
      AS_LOAD_FAST(v, ARG & 0xff);
    }

    FAST(LOAD_FAST_ADD_INT_STORE) { /* `i += 1`, `j = i - 1`: into the STORE_FAST's local */
      Value v = vload(&L[ARG & 0xff]);
      int64_t r;
      if (LIKELY(v.tag == VAL_INT) &&
          !__builtin_add_overflow(v.as.i, (int64_t)(int16_t)(ARG >> 8), &r)) {
        L[ASY_ARG(ip[2])] = INT_VAL(r);
        ip += 3;
        DISPATCH();
      }
      AS_LOAD_FAST(v, ARG & 0xff);
    }

    FAST(LOAD_FAST_CMP_INT) { /* `if n < 2:`, `while i < 10:` */
      Value v = vload(&L[ARG & 0xff]);
      if (LIKELY(v.tag == VAL_INT)) {
        int64_t x = v.as.i, y = (int64_t)((int32_t)(ARG << 8) >> 19);
        bool r = (((ARG >> 8) & 7) >> (1 + (x > y) - (x < y))) & 1; /* the cmp_masks bits */
        ip = r ? ip + 3 : code->code + ASY_ARG(ip[2]);
        DISPATCH();
      }
      AS_LOAD_FAST(v, ARG & 0xff);
    }

    FAST(STORE_FAST) {
      L[ARG] = POP();
      DISPATCH();
    }

    TARGET(DELETE_FAST) {
      if (IS_UNDEF(L[ARG])) {
        asy_unbound_error(vm, code, (int)ARG);
        goto error;
      }
      L[ARG] = UNDEF_VAL;
      DISPATCH();
    }

    FAST(LOAD_DEREF) {
      Value v = vload(&AS_CELL(L[ARG])->value);
      if (IS_UNDEF(v)) {
        STORE_FRAME();
        asy_unbound_error(vm, code, (int)ARG);
        goto error;
      }
      PUSH(v);
      DISPATCH();
    }

    FAST(STORE_DEREF) {
      AS_CELL(L[ARG])->value = POP();
      DISPATCH();
    }

    TARGET(DELETE_DEREF) {
      ObjCell *c = AS_CELL(L[ARG]);
      if (IS_UNDEF(c->value)) {
        asy_unbound_error(vm, code, (int)ARG);
        goto error;
      }
      c->value = UNDEF_VAL;
      DISPATCH();
    }

    FAST(LOAD_CLOSURE) {
      PUSH(vload(&L[ARG]));
      DISPATCH();
    }

    TARGET(LOAD_FROM_DICT_OR_DEREF) {
      Value mapping = TOP();
      ObjStr *name = AS_STR(code->varnames->items[ARG]);
      Value v;
      if (IS_DICT(mapping)) {
        v = asy_dict_get_str(AS_DICT(mapping), name);
      } else {
        v = asy_getitem(vm, mapping, OBJ_VAL(name));
        if (IS_EXC(v)) {
          if (!asy_pending_is(vm, vm->exc.KeyError)) goto error;
          asy_clear_pending(vm);
          v = UNDEF_VAL;
        }
      }
      if (IS_UNDEF(v)) {
        v = AS_CELL(L[ARG])->value;
        if (IS_UNDEF(v)) {
          asy_unbound_error(vm, code, (int)ARG);
          goto error;
        }
      }
      sp[-1] = v;
      DISPATCH();
    }

    TARGET(LOAD_LOCALS) {
      if (!frame->locals) {
        asy_raise(vm, vm->exc.RuntimeError, "no locals found");
        goto error;
      }
      PUSH(OBJ_VAL(frame->locals));
      DISPATCH();
    }

    FAST(LOAD_NAME) {
      Value v;
      ObjDict *g = frame->globals;
      if (LIKELY(frame->locals == g)) {
        /* Module code: locals are the globals, so this is LOAD_GLOBAL (cached). */
        const AsyNameCache *c = &code->name_cache[ARG];
        if (LIKELY(CACHE_HIT(c, g))) {
          PUSH(vload(&c->entry->value));
          DISPATCH();
        }
        STORE_FRAME();
        v = load_global_slow(vm, code, ARG, g);
        if (IS_UNDEF(v)) {
          name_error(vm, frame, code->names[ARG]);
          goto error;
        }
        PUSH(v);
        DISPATCH();
      }
      STORE_FRAME();
      ObjStr *name = code->names[ARG];
      v = UNDEF_VAL;
      if (frame->locals) v = asy_dict_get_str(frame->locals, name);
      if (IS_UNDEF(v) && frame->globals != frame->locals) v = asy_dict_get_str(frame->globals, name);
      if (IS_UNDEF(v)) v = asy_dict_get_str(vm->builtins, name);
      if (IS_UNDEF(v)) {
        name_error(vm, frame, name);
        goto error;
      }
      PUSH(v);
      DISPATCH();
    }

    FAST(STORE_NAME) {
      ObjDict *d = frame->locals;
      if (LIKELY(d != NULL)) {
        AsyNameCache *c = &code->name_cache[ARG];
        if (LIKELY(c->version == d->version && c->bversion == 0)) {
          c->entry->value = POP();
          DISPATCH();
        }
      }
      STORE_FRAME();
      if (!d) {
        asy_raise(vm, vm->exc.RuntimeError, "no locals found when storing '%s'",
                  code->names[ARG]->chars);
        goto error;
      }
      store_global(vm, code, ARG, frame->locals, TOP());
      sp--;
      DISPATCH();
    }

    TARGET(DELETE_NAME) {
      ObjStr *name = code->names[ARG];
      int r = frame->locals ? asy_dict_delete(vm, frame->locals, OBJ_VAL(name)) : 0;
      ERROR_IF(r < 0);
      if (r == 0) {
        name_error(vm, frame, name);
        goto error;
      }
      DISPATCH();
    }

    FAST(LOAD_GLOBAL) {
      ObjDict *g = frame->globals;
      const AsyNameCache *c = &code->name_cache[ARG >> 1];
      Value v;
      if (LIKELY(CACHE_HIT(c, g))) {
        v = vload(&c->entry->value);
      } else {
        STORE_FRAME();
        v = load_global_slow(vm, code, ARG >> 1, g);
        if (IS_UNDEF(v)) {
          asy_name_error(vm, code->names[ARG >> 1], frame->globals, NULL, code);
          goto error;
        }
      }
      PUSH(v);
      *sp = UNDEF_VAL; /* the NULL of `f + NULL`, kept only when asked for (ARG & 1) */
      sp += ARG & 1;
      DISPATCH();
    }

    TARGET(STORE_GLOBAL) {
      store_global(vm, code, ARG, frame->globals, TOP());
      sp--;
      DISPATCH();
    }

    TARGET(DELETE_GLOBAL) {
      ObjStr *name = code->names[ARG];
      int r = asy_dict_delete(vm, frame->globals, OBJ_VAL(name));
      ERROR_IF(r < 0);
      if (r == 0) {
        asy_name_error(vm, name, frame->globals, NULL, code);
        goto error;
      }
      DISPATCH();
    }

    TARGET(LOAD_ATTR) {
      ObjStr *name = code->names[ARG >> 1];
      AsyAttrSite *site = &code->attr_sites[ASY_SITE_WAYS * (ARG >> 1)];
      Value obj = TOP();
      if (ARG & 1) {
        Value meth, self;
        const Value *p = asy_load_method_fast(vm, obj, name, site);
        if (LIKELY(p != NULL)) {
          sp[-1] = vload(p);
          PUSH(obj);
          DISPATCH();
        }
        ERROR_IF(!asy_load_method_site(vm, obj, name, &meth, &self, site));
        sp[-1] = vload(&meth);
        PUSH(vload(&self));
      } else {
        const Value *p = asy_getattr_fast(vm, obj, name, site);
        if (LIKELY(p != NULL)) {
          sp[-1] = vload(p);
          DISPATCH();
        }
        Value v = asy_getattr_site(vm, obj, name, site);
        ERROR_IF(IS_EXC(v));
        sp[-1] = v;
      }
      DISPATCH();
    }

    TARGET(STORE_ATTR) {
      Value obj = sp[-1], v = sp[-2];
      ObjStr *name = code->names[ARG];
      AsyAttrSite *site = &code->attr_sites[ASY_SITE_WAYS * (code->nnames + ARG)];
      if (!LIKELY(asy_setattr_fast(vm, obj, name, site, v)))
        ERROR_IF(!asy_setattr_site(vm, obj, name, v, site));
      sp -= 2;
      DISPATCH();
    }

    TARGET(DELETE_ATTR) {
      ERROR_IF(!asy_delattr(vm, TOP(), code->names[ARG]));
      sp--;
      DISPATCH();
    }

    TARGET(BINARY_SUBSCR) {
      Value key = sp[-1], cont = sp[-2];
      if (IS_INT(key) && IS_OBJ(cont) &&
          (OBJ_TYPE(cont) == OBJ_LIST || OBJ_TYPE(cont) == OBJ_TUPLE)) {
        bool list = OBJ_TYPE(cont) == OBJ_LIST;
        size_t n = list ? AS_LIST(cont)->size : AS_TUPLE(cont)->size;
        const Value *items = list ? AS_LIST(cont)->items : AS_TUPLE(cont)->items;
        int64_t i = AS_INT(key);
        if (i < 0) i += (int64_t)n;
        if (i >= 0 && (size_t)i < n) {
          sp--;
          sp[-1] = vload(&items[i]);
          DISPATCH();
        }
      }
      Value v = asy_getitem(vm, cont, key);
      ERROR_IF(IS_EXC(v));
      sp--;
      sp[-1] = v;
      DISPATCH();
    }

    TARGET(STORE_SUBSCR) {
      Value key = TOP(), cont = PEEK(2), v = PEEK(3);
      if (IS_INT(key) && IS_OBJ_TYPE(cont, OBJ_LIST)) {
        ObjList *l = AS_LIST(cont);
        int64_t i = AS_INT(key);
        if (i < 0) i += (int64_t)l->size;
        if (i >= 0 && (size_t)i < l->size) {
          l->items[i] = v;
          sp -= 3;
          DISPATCH();
        }
      }
      ERROR_IF(!asy_setitem(vm, cont, key, v));
      sp -= 3;
      DISPATCH();
    }

    TARGET(DELETE_SUBSCR) {
      ERROR_IF(!asy_delitem(vm, sp[-2], sp[-1]));
      sp -= 2;
      DISPATCH();
    }

    TARGET(BINARY_SLICE) {
      Value v;
      if (IS_OBJ(sp[-3]) && AS_OBJ(sp[-3])->cls == vm->types.list) {
        v = asy_list_get_slice(vm, AS_LIST(sp[-3]), sp[-2], sp[-1]);
      } else {
        ObjSlice *s = asy_slice_new(vm, sp[-2], sp[-1], NONE_VAL);
        v = asy_getitem(vm, sp[-3], OBJ_VAL(s));
      }
      ERROR_IF(IS_EXC(v));
      sp -= 2;
      sp[-1] = v;
      DISPATCH();
    }

    TARGET(STORE_SLICE) {
      if (IS_OBJ(sp[-3]) && AS_OBJ(sp[-3])->cls == vm->types.list) {
        ERROR_IF(!asy_list_set_slice(vm, AS_LIST(sp[-3]), sp[-2], sp[-1], sp[-4]));
      } else {
        ObjSlice *s = asy_slice_new(vm, sp[-2], sp[-1], NONE_VAL);
        ERROR_IF(!asy_setitem(vm, sp[-3], OBJ_VAL(s), sp[-4]));
      }
      sp -= 4;
      DISPATCH();
    }

    TARGET(BUILD_SLICE) {
      ObjSlice *s;
      if (ARG == 3) {
        s = asy_slice_new(vm, sp[-3], sp[-2], sp[-1]);
        sp -= 2;
      } else {
        s = asy_slice_new(vm, sp[-2], sp[-1], NONE_VAL);
        sp -= 1;
      }
      sp[-1] = OBJ_VAL(s);
      DISPATCH();
    }

    FAST(BINARY_OP) {
      uint32_t op = ARG;
      if (LIKELY(sp[-1].tag == VAL_INT && sp[-2].tag == VAL_INT)) {
        int64_t x = AS_INT(sp[-2]), y = AS_INT(sp[-1]), r;
        /* The common int ops first, outside the switch below. */
        if (op == BINOP_ADD || op == BINOP_ADD + ASY_INPLACE) {
          if (!__builtin_add_overflow(x, y, &r)) goto int_result;
        } else if (op == BINOP_SUBTRACT || op == BINOP_SUBTRACT + ASY_INPLACE) {
          if (!__builtin_sub_overflow(x, y, &r)) goto int_result;
        }
        goto binary_general;
      int_result:
        /* `x = a + b` / `x += 1` into a local: store the result straight into the
        ** variable and skip the STORE_FAST. Besides a dispatch, this saves the
        ** stack round trip (store, then load back) on the loop-carried path. */
        if (ASY_OP(*ip) == OP_STORE_FAST) {
          L[ASY_ARG(*ip)] = INT_VAL(r);
          sp -= 2;
          ip++;
          DISPATCH();
        }
        sp--;
        sp[-1].as.i = r; /* the tag is already VAL_INT */
        DISPATCH();
      }
    binary_general:;
      Value b = sp[-1], a = sp[-2];
#define BOTH(o) case o: case o + ASY_INPLACE /* x op y and x op= y alike */
      if (IS_INT(a) && IS_INT(b)) {
        int64_t x = AS_INT(a), y = AS_INT(b), r;
        switch (op) {
        BOTH(BINOP_ADD):
          if (__builtin_add_overflow(x, y, &r)) break;
          sp--;
          sp[-1] = INT_VAL(r);
          DISPATCH();
        BOTH(BINOP_SUBTRACT):
          if (__builtin_sub_overflow(x, y, &r)) break;
          sp--;
          sp[-1] = INT_VAL(r);
          DISPATCH();
        BOTH(BINOP_MULTIPLY):
          if (__builtin_mul_overflow(x, y, &r)) break;
          sp--;
          sp[-1] = INT_VAL(r);
          DISPATCH();
        BOTH(BINOP_AND):
          sp--;
          sp[-1] = INT_VAL(x & y);
          DISPATCH();
        BOTH(BINOP_OR):
          sp--;
          sp[-1] = INT_VAL(x | y);
          DISPATCH();
        BOTH(BINOP_XOR):
          sp--;
          sp[-1] = INT_VAL(x ^ y);
          DISPATCH();
        BOTH(BINOP_FLOOR_DIVIDE):
          if (y > 0 && x >= 0) {
            sp--;
            sp[-1] = INT_VAL(x / y);
            DISPATCH();
          }
          break;
        BOTH(BINOP_REMAINDER):
          if (y > 0 && x >= 0) {
            sp--;
            sp[-1] = INT_VAL(x % y);
            DISPATCH();
          }
          break;
        default: break;
        }
      } else if ((IS_FLOAT(a) && (IS_FLOAT(b) || IS_INT(b))) || (IS_INT(a) && IS_FLOAT(b))) {
        /* an int operand converts as float(int) does: C's int64 -> double conversion
        ** rounds to nearest-even, as CPython's int.__float__ */
        double x = IS_FLOAT(a) ? AS_FLOAT(a) : (double)AS_INT(a);
        double y = IS_FLOAT(b) ? AS_FLOAT(b) : (double)AS_INT(b);
        switch (op) {
        BOTH(BINOP_ADD): sp--; sp[-1] = FLOAT_VAL(x + y); DISPATCH();
        BOTH(BINOP_SUBTRACT): sp--; sp[-1] = FLOAT_VAL(x - y); DISPATCH();
        BOTH(BINOP_MULTIPLY): sp--; sp[-1] = FLOAT_VAL(x * y); DISPATCH();
        BOTH(BINOP_TRUE_DIVIDE):
          if (y == 0.0) break;
          sp--;
          sp[-1] = FLOAT_VAL(x / y);
          DISPATCH();
        default: break;
        }
      }
#undef BOTH
      STORE_FRAME();
      Value r = op >= ASY_INPLACE ? asy_inplace_op(vm, (int)(op - ASY_INPLACE), a, b)
                                  : asy_binary_op(vm, (int)op, a, b);
      ERROR_IF(IS_EXC(r));
      sp--;
      sp[-1] = r;
      DISPATCH();
    }

    TARGET(UNARY_NEGATIVE) {
      Value a = TOP();
      if (IS_INT(a) && AS_INT(a) != INT64_MIN) {
        sp[-1] = INT_VAL(-AS_INT(a));
        DISPATCH();
      }
      if (IS_FLOAT(a)) {
        sp[-1] = FLOAT_VAL(-AS_FLOAT(a));
        DISPATCH();
      }
      Value r = asy_unary_op(vm, UNOP_NEGATIVE, a);
      ERROR_IF(IS_EXC(r));
      sp[-1] = r;
      DISPATCH();
    }

    TARGET(UNARY_POSITIVE) REPLACE_TOP(asy_unary_op(vm, UNOP_POSITIVE, TOP()));

    TARGET(UNARY_INVERT) REPLACE_TOP(asy_unary_op(vm, UNOP_INVERT, TOP()));

    TARGET(UNARY_NOT) {
      int t = truthy(vm, TOP());
      ERROR_IF(t < 0);
      sp[-1] = BOOL_VAL(!t);
      DISPATCH();
    }

    FAST(COMPARE_OP) {
      if (LIKELY(sp[-1].tag == VAL_INT && sp[-2].tag == VAL_INT)) {
        int64_t x = AS_INT(sp[-2]), y = AS_INT(sp[-1]);
        bool r = (cmp_masks[ARG] >> (1 + (x > y) - (x < y))) & 1;
        /* `if a < b:` / `while a < b:` — take the following conditional jump here
        ** (its operand is a plain bool) and save a dispatch and a push/pop. */
        uint32_t next = *ip;
        if (ASY_OP(next) == OP_POP_JUMP_IF_FALSE) {
          sp -= 2;
          ip = r ? ip + 1 : code->code + ASY_ARG(next);
          DISPATCH();
        }
        if (ASY_OP(next) == OP_POP_JUMP_IF_TRUE) {
          sp -= 2;
          ip = r ? code->code + ASY_ARG(next) : ip + 1;
          DISPATCH();
        }
        sp--;
        sp[-1] = BOOL_VAL(r);
        DISPATCH();
      }
      Value b = sp[-1], a = sp[-2];
      /* an int compares with a float exactly: by conversion only within 2**53 */
      if ((IS_FLOAT(a) && (IS_FLOAT(b) || (IS_INT(b) && AS_INT(b) >= -(INT64_C(1) << 53) &&
                                            AS_INT(b) <= (INT64_C(1) << 53)))) ||
          (IS_FLOAT(b) && IS_INT(a) && AS_INT(a) >= -(INT64_C(1) << 53) &&
           AS_INT(a) <= (INT64_C(1) << 53))) {
        double x = IS_FLOAT(a) ? AS_FLOAT(a) : (double)AS_INT(a);
        double y = IS_FLOAT(b) ? AS_FLOAT(b) : (double)AS_INT(b);
        bool r;
        switch (ARG) {
        case CMP_LT: r = x < y; break;
        case CMP_LE: r = x <= y; break;
        case CMP_EQ: r = x == y; break;
        case CMP_NE: r = x != y; break;
        case CMP_GT: r = x > y; break;
        default: r = x >= y; break;
        }
        sp--;
        sp[-1] = BOOL_VAL(r);
        DISPATCH();
      }
      STORE_FRAME();
      Value r = asy_compare(vm, (int)ARG, a, b);
      ERROR_IF(IS_EXC(r));
      sp--;
      sp[-1] = r;
      DISPATCH();
    }

    FAST(IS_OP) {
      bool r = asy_same(sp[-2], sp[-1]);
      sp--;
      sp[-1] = BOOL_VAL(ARG ? !r : r);
      DISPATCH();
    }

    TARGET(CONTAINS_OP) {
      int r = asy_contains(vm, sp[-1], sp[-2]);
      ERROR_IF(r < 0);
      sp--;
      sp[-1] = BOOL_VAL(ARG ? !r : r);
      DISPATCH();
    }

    TARGET(BUILD_TUPLE) {
      uint32_t n = ARG;
      ObjTuple *t = asy_tuple_from(vm, n, sp - n);
      sp -= n;
      PUSH(OBJ_VAL(t));
      DISPATCH();
    }

    TARGET(BUILD_LIST) {
      uint32_t n = ARG;
      ObjList *l = asy_list_new(vm, n);
      for (uint32_t i = 0; i < n; i++) asy_list_append(vm, l, sp[(int)i - (int)n]);
      sp -= n;
      PUSH(OBJ_VAL(l));
      DISPATCH();
    }

    TARGET(BUILD_SET) {
      uint32_t n = ARG;
      ObjSet *s = asy_set_new(vm, vm->types.set);
      for (uint32_t i = 0; i < n; i++) ERROR_IF(!asy_set_add(vm, s, sp[(int)i - (int)n]));
      sp -= n;
      PUSH(OBJ_VAL(s));
      DISPATCH();
    }

    TARGET(BUILD_MAP) {
      uint32_t n = ARG;
      ObjDict *d = asy_dict_new(vm);
      Value *items = sp - 2 * n;
      for (uint32_t i = 0; i < n; i++) ERROR_IF(!asy_dict_set(vm, d, items[2 * i], items[2 * i + 1]));
      sp -= 2 * n;
      PUSH(OBJ_VAL(d));
      DISPATCH();
    }

    TARGET(BUILD_STRING) {
      uint32_t n = ARG;
      Value s = asy_build_string(vm, sp - n, (int)n);
      ERROR_IF(IS_EXC(s));
      sp -= n;
      PUSH(s);
      DISPATCH();
    }

    TARGET(LIST_APPEND) {
      Value v = POP();
      ObjList *l = AS_LIST(PEEK(ARG));
      /* A comprehension that outgrows memory raises MemoryError (asy_list_append cannot). */
      ERROR_IF(l->size == l->capacity && !asy_list_reserve(vm, l, l->size + 1));
      asy_list_append(vm, l, v);
      DISPATCH();
    }

    TARGET(SET_ADD) {
      Value v = TOP();
      ERROR_IF(!asy_set_add(vm, AS_SET(PEEK(ARG + 1)), v));
      sp--;
      DISPATCH();
    }

    TARGET(MAP_ADD) {
      Value v = sp[-1], k = sp[-2];
      ERROR_IF(!asy_dict_set(vm, AS_DICT(PEEK(ARG + 2)), k, v));
      sp -= 2;
      DISPATCH();
    }

    TARGET(LIST_EXTEND) {
      ERROR_IF(!asy_list_extend_op(vm, AS_LIST(PEEK(ARG + 1)), TOP()));
      sp--;
      DISPATCH();
    }

    TARGET(SET_UPDATE) {
      ERROR_IF(!asy_set_update_op(vm, AS_SET(PEEK(ARG + 1)), TOP()));
      sp--;
      DISPATCH();
    }

    TARGET(DICT_UPDATE) {
      ERROR_IF(!asy_dict_update_op(vm, AS_DICT(PEEK(ARG + 1)), TOP()));
      sp--;
      DISPATCH();
    }

    TARGET(DICT_MERGE) {
      /* callable NULL argtuple dict <arg-1 items> mapping */
      ERROR_IF(!asy_dict_merge_op(vm, AS_DICT(PEEK(ARG + 1)), TOP(), PEEK(ARG + 4)));
      sp--;
      DISPATCH();
    }

    TARGET(LIST_TO_TUPLE) {
      ObjList *l = AS_LIST(TOP());
      sp[-1] = OBJ_VAL(asy_tuple_from(vm, l->size, l->items));
      DISPATCH();
    }

    TARGET(CONVERT_VALUE) {
      Value v = TOP(), r;
      if (ARG == 1) r = asy_str(vm, v);
      else if (ARG == 2) r = asy_repr(vm, v);
      else r = asy_ascii(vm, v);
      ERROR_IF(IS_EXC(r));
      sp[-1] = r;
      DISPATCH();
    }

    TARGET(FORMAT_SIMPLE) {
      Value v = TOP();
      if (IS_STR(v) && AS_OBJ(v)->cls == vm->types.str) DISPATCH();
      Value r = asy_format(vm, v, vm->names.empty);
      ERROR_IF(IS_EXC(r));
      sp[-1] = r;
      DISPATCH();
    }

    TARGET(FORMAT_WITH_SPEC) {
      Value spec = sp[-1], v = sp[-2];
      Value r = asy_format(vm, v, AS_STR(spec));
      ERROR_IF(IS_EXC(r));
      sp--;
      sp[-1] = r;
      DISPATCH();
    }

    FAST(JUMP_FORWARD) {
      ip = code->code + ARG;
      DISPATCH();
    }

    FAST(JUMP_BACKWARD) {
      if (ASY_INTERRUPTED(vm)) { /* Ctrl-C: act on it between iterations (signals.h) */
        STORE_FRAME();
        ERROR_IF(!asy_signals_check(vm));
      }
      ip = code->code + ARG;
      RESET_TEMPS();
      DISPATCH();
    }

    /* POP_JUMP_IF_FALSE/_TRUE (and BEFORE_WITH/BEFORE_ASYNC_WITH) are separate handlers
    ** expanding one macro: sharing one body by adjacent labels cost bench/loop.asy 4%
    ** more instructions (GCC's code for the whole dispatch loop got worse). */
    FAST(POP_JUMP_IF_FALSE) POP_JUMP_IF(false);

    FAST(POP_JUMP_IF_TRUE) POP_JUMP_IF(true);

    FAST(POP_JUMP_IF_NONE) {
      Value v = POP();
      if (IS_NONE(v)) ip = code->code + ARG;
      DISPATCH();
    }

    FAST(POP_JUMP_IF_NOT_NONE) {
      Value v = POP();
      if (!IS_NONE(v)) ip = code->code + ARG;
      DISPATCH();
    }

    TARGET(JUMP_IF_FALSE_OR_POP) {
      int t = truthy(vm, TOP());
      ERROR_IF(t < 0);
      if (!t) ip = code->code + ARG;
      else sp--;
      DISPATCH();
    }

    TARGET(JUMP_IF_TRUE_OR_POP) {
      int t = truthy(vm, TOP());
      ERROR_IF(t < 0);
      if (t) ip = code->code + ARG;
      else sp--;
      DISPATCH();
    }

    TARGET(GET_ITER) {
      if (asy_gen_iter_direct(vm, sp - 1, false)) DISPATCH();
      REPLACE_TOP(asy_iter(vm, TOP()));
    }

    FAST(FOR_ITER) {
      Value it = TOP();
      Value v;
      if (IS_OBJ_TYPE(it, OBJ_ITER)) {
        /* The next item of a range or list iterator inline (iter.c's next functions
        ** do the same; the end and everything else go through them). */
        ObjIter *i = AS_ITER(it);
        if (i->next == asy_range_iter_next && asy_range_iter_step(i, &v)) goto for_item;
        if (i->next == asy_list_iter_next && asy_list_iter_step(i, &v)) goto for_item;
        STORE_FRAME();
        v = i->next(vm, i);
      } else if (IS_OBJ_TYPE(it, OBJ_GEN) && AS_GEN(it)->kind == GEN_GENERATOR) {
        STORE_FRAME();
        if (AS_GEN(it)->state != GEN_CLOSED) {
          /* Resume the generator inline; its yield or return comes back here (gen.h). */
          bool started;
          ERROR_IF(!asy_gen_push_resume(vm, AS_GEN(it), sp, 0, &started));
          if (started) *fiber->stack_top++ = NONE_VAL;
          LOAD_FRAME();
          DISPATCH();
        }
        v = UNDEF_VAL;
      } else {
        STORE_FRAME();
        v = asy_next(vm, it);
      }
      ERROR_IF(IS_EXC(v));
      if (IS_UNDEF(v)) {
        sp--;
        ip = code->code + ARG;
        RESET_TEMPS();
        DISPATCH();
      }
    for_item:
      if (ASY_OP(*ip) == OP_STORE_FAST) { /* `for x in ...:` into a local */
        L[ASY_ARG(*ip)] = v;
        ip++;
        DISPATCH();
      }
      PUSH(v);
      DISPATCH();
    }

    TARGET(UNPACK_SEQUENCE) {
      uint32_t n = ARG;
      Value seq = TOP();
      if (IS_OBJ(seq) && (OBJ_TYPE(seq) == OBJ_TUPLE || OBJ_TYPE(seq) == OBJ_LIST)) {
        size_t size;
        Value *items;
        if (OBJ_TYPE(seq) == OBJ_TUPLE) {
          size = AS_TUPLE(seq)->size;
          items = AS_TUPLE(seq)->items;
        } else {
          size = AS_LIST(seq)->size;
          items = AS_LIST(seq)->items;
        }
        if (size == n) {
          /* `a, b, c = seq` into locals: store straight into the slots the n STORE_FASTs
          ** that follow name, skipping the stack. */
          uint32_t k = 0;
          while (k < n && ASY_OP(ip[k]) == OP_STORE_FAST) k++;
          if (k == n) {
            sp--;
            for (uint32_t i = 0; i < n; i++) L[ASY_ARG(ip[i])] = vload(&items[i]);
            ip += n;
            DISPATCH();
          }
          Value *dest = sp - 1;
          for (uint32_t i = 0; i < n; i++) dest[i] = vload(&items[n - 1 - i]);
          sp += (int)n - 1;
          DISPATCH();
        }
      }
      ERROR_IF(!asy_unpack(vm, seq, (int)n, 0, false, sp - 1));
      sp += (int)n - 1;
      DISPATCH();
    }

    TARGET(UNPACK_EX) {
      int before = (int)(ARG & 0xff), after = (int)(ARG >> 8);
      ERROR_IF(!asy_unpack(vm, TOP(), before, after, true, sp - 1));
      sp += before + after;
      DISPATCH();
    }

    FAST(CALL) {
      Value *slot = sp - ARG - 2;
      if (LIKELY(IS_OBJ_TYPE(slot[0], OBJ_FUNCTION))) {
        /* The common script call, set up inline: positional arguments matching the
        ** parameters exactly, no cells to create. Everything else (defaults, keywords,
        ** *args, cells, errors) goes through asy_call_prepare. Nothing here allocates,
        ** so the function stays reachable (slot[0], then the frame record) throughout. */
        ObjFunction *fn = AS_FUNCTION(slot[0]);
        ObjCode *co = fn->code;
        int has_self = !IS_UNDEF(slot[1]);
        int given = (int)ARG + has_self;
        if (LIKELY((co->flags & CODE_FAST_CALL) && given == co->argcount &&
                   asy_frame_fits_at(fiber, frame + 1, co, slot))) {
          /* The arguments (self first, when present) stay where they are and become
          ** the first locals; the result will replace the callable (frame->ret). */
          Value *base = slot + 2 - has_self;
          if (!asy_fill_fast_frame(base, fn, co, given)) goto call_general;
          frame->ip = ip; /* the caller's only register a push needs (sp is the callee's ret) */
          frame = asy_push_frame_at(fiber, frame + 1, co, fn, fn->globals, base, slot, 0);
          code = co;
          ip = co->code;
          L = base;
          sp = frame->sp_base;
          DISPATCH();
        }
      }
      if (IS_OBJ_TYPE(slot[0], OBJ_NATIVE) && !IS_UNDEF(slot[1]) &&
          IS_UNDEF(AS_NATIVE(slot[0])->self)) {
        /* A built-in method with its receiver (`lst.append(x)`): the arguments are in
        ** place after it. (`sep.join(generator)` may be a drain: call_general.) */
        if (ARG == 1 && IS_OBJ_TYPE(slot[2], OBJ_GEN)) goto call_general;
        STORE_FRAME();
        Value r = asy_native_invoke(vm, AS_NATIVE(slot[0]), (int)ARG + 1, slot + 1, NULL);
        ERROR_IF(IS_EXC(r));
        sp = slot;
        PUSH(r);
        RESET_TEMPS();
        DISPATCH();
      }
    call_general:
      STORE_FRAME();
      if (ARG == 1 && IS_OBJ_TYPE(slot[2], OBJ_GEN)) {
        int mode = asy_drain_mode(vm, slot);
        if (mode >= 0) {
          /* list(generator), sum(generator) …: drain it here (gen_drain.h). The frame
          ** holds the generator once pushed; until then this C local does (begin's
          ** allocation happens while slot[2] still has it). */
          ObjGen *g = AS_GEN(slot[2]);
          bool started = g->state == GEN_SUSPENDED;
          asy_drain_begin(vm, mode, slot);
          ERROR_IF(!asy_gen_push(vm, g, sp, FRAME_DRAIN));
          if (started) *fiber->stack_top++ = NONE_VAL;
          LOAD_FRAME();
          DISPATCH();
        }
      }
      if (ARG == 2 && IS_UNDEF(slot[1]) && IS_OBJ(slot[0]) &&
          AS_OBJ(slot[0]) == &vm->types.super->obj && ASY_OP(*ip) == OP_LOAD_ATTR &&
          (ASY_ARG(*ip) & 1)) {
        /* `super(C, self).name(...)` (and zero-argument super(), compiled to that): the
        ** method and self at once, skipping the super object and the LOAD_ATTR. */
        Value meth;
        if (asy_super_method(vm, slot[2], slot[3], code->names[ASY_ARG(*ip) >> 1], &meth)) {
          slot[0] = meth;
          slot[1] = slot[3];
          sp = slot + 2;
          ip++;
          DISPATCH();
        }
      }
      CallArgs ca = {slot + 2, (int)ARG, NULL, NULL, NULL};
      call_slot = slot;
      call_status = asy_call_prepare(vm, slot, &ca, &call_result);
      goto call_finish;
    }

    TARGET(CALL_KW) {
      ObjTuple *kwnames = AS_TUPLE(sp[-1]);
      int nkw = (int)kwnames->size;
      Value *slot = sp - 1 - ARG - 2;
      CallArgs ca = {slot + 2, (int)ARG - nkw, kwnames, slot + 2 + ARG - nkw, NULL};
      call_slot = slot;
      call_status = asy_call_prepare(vm, slot, &ca, &call_result);
      goto call_finish;
    }

    TARGET(CALL_FUNCTION_EX) {
      int haskw = ARG & 1;
      Value *slot = sp - 3 - haskw;
      Value argv = slot[2], kwv = haskw ? slot[3] : UNDEF_VAL;
      /* Converted operands are new objects, rooted by the temp roots until stored. */
      ERROR_IF(!asy_callex_args(vm, slot[0], &argv, &kwv));
      slot[2] = argv;
      if (haskw) slot[3] = kwv;
      ObjTuple *args = AS_TUPLE(argv);
      ObjDict *kw = IS_UNDEF(kwv) ? NULL : AS_DICT(kwv);
      CallArgs ca = {args->items, (int)args->size, NULL, NULL, kw};
      call_slot = slot;
      call_status = asy_call_prepare(vm, slot, &ca, &call_result);
      goto call_finish;
    }

  /* The one call epilogue: a pushed frame runs next; a finished call's result replaces
  ** the callable (call_slot). */
  call_finish:
    if (call_status == CALL_FRAME) {
      LOAD_FRAME();
      DISPATCH();
    }
    ERROR_IF(call_status == CALL_ERROR);
    sp = call_slot;
    PUSH(vload(&call_result));
    RESET_TEMPS();
    DISPATCH();

/* Plain script-to-script return of v: the caller's frame is the one below. A macro so
** that RETURN_VALUE keeps its value in registers (through do_return it is spilled). */
#define PLAIN_RETURN(v) \
  do { \
    Value *ret = frame->ret; \
    fiber->frame_count--; \
    frame--; \
    code = frame->code; \
    ip = frame->ip; \
    L = frame->base; \
    sp = ret; \
    PUSH(v); \
    RESET_TEMPS(); \
    DISPATCH(); \
  } while (0)

    FAST(RETURN_VALUE) {
      if (LIKELY(frame->flags == 0)) {
        Value v = POP();
        PLAIN_RETURN(v);
      }
      retval = POP();
      goto do_return;
    }

    FAST(LOAD_FAST_RETURN) { /* `return x` */
      Value v = vload(&L[ARG]);
      if (LIKELY(!IS_UNDEF(v) && frame->flags == 0)) PLAIN_RETURN(v);
      AS_LOAD_FAST(v, ARG);
    }

    FAST(RETURN_CONST) {
      retval = vload(&code->consts[ARG]);
      goto do_return;
    }

  do_return: {
      if (LIKELY(frame->flags == 0)) PLAIN_RETURN(retval);
      STORE_FRAME();
      raising = false;
      if ((frame->flags & FRAME_GEN) && frame->gen->resumed_by) {
        /* The end of a generator run through the delegation shortcut (gen.h): its
        ** delegator continues with the value at SEND's target. */
        if (!asy_gen_reenter_delegator(vm, frame, retval)) {
          raising = true;
          goto pop_frame;
        }
        LOAD_FRAME();
        RESET_TEMPS();
        DISPATCH();
      }
      if ((frame->flags & (FRAME_GEN | FRAME_ENTRY)) == FRAME_GEN) {
        /* A generator resumed inline returns to its resumer's instruction: FOR_ITER
        ** ends its loop; SEND takes the value and jumps to END_SEND. */
        asy_gen_finish(vm, frame);
        Value *ret = frame->ret;
        int flags = frame->flags;
        fiber->frame_count--;
        fiber->stack_top = ret;
        LOAD_FRAME();
        if (flags & FRAME_DRAIN) {
          drain_state = ret - 3;
          goto drain_end;
        }
        uint32_t resumer = ip[-1];
        ip = code->code + ASY_ARG(resumer);
        if (ASY_OP(resumer) == OP_FOR_ITER) {
          sp = ret - 1;
        } else {
          sp = ret;
          PUSH(retval);
        }
        RESET_TEMPS();
        DISPATCH();
      }
      if (frame->flags & FRAME_GEN) asy_gen_finish(vm, frame);
      if (frame->flags & FRAME_INIT) {
        if (!IS_NONE(retval)) {
          asy_push_root(vm, retval); /* off the stack now; asy_raise allocates */
          asy_raise(vm, vm->exc.TypeError, "__init__() should return None, not '%s'",
                    asy_type_name(vm, retval));
          raising = true;
        }
        retval = frame->self_for_init;
      }
      goto pop_frame;
    }

  /* drain_end: a drained generator returned, or any()/all() was settled: the drain's
  ** result replaces its three slots (gen_drain.h). */
  drain_end: {
      Value r = asy_drain_result(vm, drain_state);
      ERROR_IF(IS_EXC(r));
      sp = drain_state;
      PUSH(r);
      RESET_TEMPS();
      DISPATCH();
    }

  /* pop_frame: the top frame ends, with retval or (raising) the pending exception; the
  ** caller frame continues, or the loop is left at an entry frame. */
  pop_frame: {
      int flags = frame->flags;
      Value *ret = frame->ret;
      fiber->frame_count--;
      fiber->stack_top = ret;
      RESET_TEMPS();
      if (flags & FRAME_ENTRY) {
        *result = raising ? EXC_VAL : retval;
        return raising ? ASY_RUN_RAISED : ASY_RUN_RETURNED;
      }
      LOAD_FRAME();
      sp = ret;
      if (raising) goto error;
      if (!(flags & FRAME_DISCARD)) PUSH(retval);
      DISPATCH();
    }

    TARGET(MAKE_FUNCTION) {
      uint32_t flags = ARG;
      Value *p = sp - 1;
      ObjCode *fcode = AS_CODE(*p);
      Value closure = UNDEF_VAL, annotations = UNDEF_VAL, kwdefaults = UNDEF_VAL, defaults = UNDEF_VAL;
      if (flags & 8) closure = *--p;
      if (flags & 4) annotations = *--p;
      if (flags & 2) kwdefaults = *--p;
      if (flags & 1) defaults = *--p;
      asy_code_caches(vm, fcode);
      ObjFunction *fn = asy_function_new(vm, fcode, frame->globals);
      if (!IS_UNDEF(annotations)) {
        fn->dict = asy_dict_new(vm);
        asy_dict_set_str(vm, fn->dict, asy_str_intern(vm, "__annotations__", 15), annotations);
      }
      if (!IS_UNDEF(closure)) fn->closure = AS_TUPLE(closure);
      if (!IS_UNDEF(kwdefaults)) fn->kwdefaults = AS_DICT(kwdefaults);
      if (!IS_UNDEF(defaults)) fn->defaults = AS_TUPLE(defaults);
      if ((fcode->flags & CODE_HAS_DOCSTRING) && fcode->nconsts > 0) fn->doc = fcode->consts[0];
      sp = p;
      PUSH(OBJ_VAL(fn));
      DISPATCH();
    }

    TARGET(BUILD_CLASS) {
      int nkw = (int)ARG;
      Value *slot = sp - 4 - nkw;
      Value cls = asy_build_class(vm, slot, nkw);
      ERROR_IF(IS_EXC(cls));
      sp = slot;
      PUSH(cls);
      RESET_TEMPS();
      DISPATCH();
    }

    TARGET(IMPORT_NAME) {
      ObjStr *name = code->names[ARG];
      Value m = name->chars[0] == '.' ? asy_import_relative(vm, name, frame->globals)
                                      : asy_import(vm, name);
      ERROR_IF(IS_EXC(m));
      PUSH(m);
      RESET_TEMPS();
      DISPATCH();
    }

    TARGET(IMPORT_FROM) {
      Value v = asy_import_from(vm, TOP(), code->names[ARG]);
      ERROR_IF(IS_EXC(v));
      PUSH(v);
      DISPATCH();
    }

    TARGET(RAISE_VARARGS) {
      if (ARG == 0) {
        Value exc = asy_handled_exception(vm);
        if (IS_UNDEF(exc) || IS_NONE(exc)) {
          asy_raise(vm, vm->exc.RuntimeError, "No active exception to reraise");
          goto error;
        }
        fiber->exc = exc;
        unwind_idx = lasti_idx = (uint32_t)(ip - code->code) - 1;
        goto exception_unwind;
      }
      Value cause = UNDEF_VAL;
      if (ARG == 2) cause = sp[-1];
      Value exc = sp[-(int)ARG];
      asy_do_raise(vm, exc, cause);
      sp -= ARG;
      goto error;
    }

    TARGET(RERAISE) {
      /* values[arg] exc. The handler is looked up from this instruction; with arg,
      ** values[0] is the original lasti, which becomes the frame's lasti again (what
      ** the next handler receives), as CPython restores frame->instr_ptr. */
      Value exc = sp[-1];
      unwind_idx = (uint32_t)(ip - code->code) - 1;
      lasti_idx = unwind_idx;
      if (ARG) {
        Value lasti = sp[-1 - (int)ARG];
        if (IS_INT(lasti)) lasti_idx = (uint32_t)AS_INT(lasti);
      }
      sp -= 1 + (int)ARG;
      fiber->exc = exc;
      goto exception_unwind;
    }

    TARGET(PUSH_EXC_INFO) {
      Value exc = sp[-1];
      Value prev = fiber->handling;
      sp[-1] = IS_UNDEF(prev) ? NONE_VAL : prev;
      PUSH(exc);
      fiber->handling = exc;
      DISPATCH();
    }

    TARGET(POP_EXCEPT) {
      Value prev = POP();
      fiber->handling = IS_NONE(prev) ? UNDEF_VAL : prev;
      DISPATCH();
    }

    TARGET(CHECK_EXC_MATCH) REPLACE_TOP(asy_exc_match(vm, sp[-2], sp[-1]));

    TARGET(CHECK_EG_MATCH) {
      Value rest = UNDEF_VAL, match = UNDEF_VAL;
      ERROR_IF(!asy_eg_match(vm, sp[-2], sp[-1], &rest, &match));
      sp[-2] = rest;
      sp[-1] = match;
      if (!IS_NONE(match) && !IS_UNDEF(match)) fiber->handling = match;
      DISPATCH();
    }

    TARGET(CALL_INTRINSIC_1) {
      Value v = TOP(), r;
      switch (ARG) {
      case INTRINSIC_IMPORT_STAR:
        r = asy_import_star(vm, v, frame->locals ? frame->locals : frame->globals);
        break;
      default: r = asy_intrinsic_typing1(vm, (int)ARG, v); break;
      }
      ERROR_IF(IS_EXC(r));
      sp[-1] = r;
      DISPATCH();
    }

    TARGET(CALL_INTRINSIC_2) {
      Value r;
      if (ARG == INTRINSIC_PREP_RERAISE_STAR) {
        r = asy_prep_reraise_star(vm, sp[-2], sp[-1]);
      } else {
        r = asy_intrinsic_typing2(vm, (int)ARG, sp[-2], sp[-1]);
      }
      ERROR_IF(IS_EXC(r));
      sp--;
      sp[-1] = r;
      DISPATCH();
    }

    TARGET(LOAD_ASSERTION_ERROR) {
      PUSH(OBJ_VAL(vm->exc.AssertionError));
      DISPATCH();
    }

    TARGET(BEFORE_WITH) ENTER_WITH(false);

    TARGET(WITH_EXCEPT_START) {
      Value exc = sp[-1];
      Value tb = IS_EXCEPTION(exc) ? AS_EXCEPTION(exc)->traceback : NONE_VAL;
      Value args[3] = {OBJ_VAL(asy_class_of(vm, exc)), exc, IS_UNDEF(tb) ? NONE_VAL : tb};
      Value r = asy_call(vm, sp[-4], 3, args, NULL);
      ERROR_IF(IS_EXC(r));
      PUSH(r);
      RESET_TEMPS();
      DISPATCH();
    }

    TARGET(GET_AWAITABLE) REPLACE_TOP(asy_get_awaitable(vm, TOP()));

    TARGET(GET_YIELD_FROM_ITER) {
      if (asy_gen_iter_direct(vm, sp - 1, true)) DISPATCH();
      REPLACE_TOP(asy_yield_from_iter(vm, TOP()));
    }

    TARGET(SEND) {
      Value v = sp[-1], recv = sp[-2];
      ObjGen *g = asy_gen_inline_target(vm, recv);
      if (g && (g->state == GEN_SUSPENDED || (g->state == GEN_CREATED && IS_NONE(v)))) {
        /* Resume the delegate inline, its frame where v was (gen.h). */
        bool started;
        sp--;
        fiber->stack_top = sp;
        ERROR_IF(!asy_gen_push_resume(vm, g, sp, 0, &started));
        if (started) *fiber->stack_top++ = v;
        LOAD_FRAME();
        DISPATCH();
      }
      Value r;
      AsyRunStatus st = asy_send(vm, recv, v, &r);
      ERROR_IF(st == ASY_RUN_RAISED);
      sp[-1] = r;
      if (st == ASY_RUN_RETURNED) ip = code->code + ARG;
      DISPATCH();
    }

    TARGET(YIELD_VALUE) {
      /* Suspend: the generator keeps a copy of the frame; the resumer gets v. */
      if (!(frame->flags & FRAME_GEN)) { /* top-level await outside a running loop */
        asy_raise(vm, vm->exc.RuntimeError, "no running event loop");
        goto error;
      }
      if ((frame->flags & FRAME_DRAIN) && asy_drain_take_plain(vm, frame->ret - 3, TOP())) {
        /* Drained by the caller's CALL: the value is taken, and the generator goes on. */
        sp[-1] = NONE_VAL;
        DISPATCH();
      }
      ObjGen *g = frame->gen;
      Value v = POP();
      frame->ip = ip;
      frame->gen->own_yield = ARG == 1;
      asy_gen_suspend(vm, frame, sp);
      int flags = frame->flags;
      Value *ret = frame->ret;
      fiber->frame_count--;
      fiber->stack_top = ret;
      RESET_TEMPS();
      if (flags & FRAME_ENTRY) {
        *result = v;
        return ASY_RUN_SUSPENDED;
      }
      LOAD_FRAME();
      sp = ret;
      if (flags & FRAME_DRAIN) {
        /* An item the plain steps could not take: the caller takes it with the generator
        ** suspended, then resumes it or, when that settled the result, ends the call
        ** leaving it suspended (gen_drain.h). */
        PUSH(v);
        PUSH(OBJ_VAL(g));
        STORE_FRAME();
        int taken = asy_drain_take(vm, ret - 3, v);
        sp -= 2;
        ERROR_IF(taken < 0);
        if (taken > 0 || g->state == GEN_CLOSED) { /* settled, or user code ran g out */
          drain_state = ret - 3;
          goto drain_end;
        }
        STORE_FRAME();
        ERROR_IF(!asy_gen_push(vm, g, sp, FRAME_DRAIN));
        *fiber->stack_top++ = NONE_VAL;
        LOAD_FRAME();
        DISPATCH();
      }
      PUSH(v);
      DISPATCH();
    }

    FAST(END_SEND) {
      Value v = POP();
      if (IS_OBJ_TYPE(sp[-1], OBJ_GEN) && AS_GEN(sp[-1])->stack_owned) {
        ObjGen *recv = AS_GEN(sp[-1]);
        sp[-1] = v;
        STORE_FRAME();
        asy_gen_drop_sent(vm, frame, recv);
        DISPATCH();
      }
      sp[-1] = v;
      DISPATCH();
    }

    TARGET(BEFORE_ASYNC_WITH) ENTER_WITH(true);

    TARGET(GET_AITER) REPLACE_TOP(asy_get_aiter(vm, TOP()));

    TARGET(GET_ANEXT) {
      Value aw = asy_get_anext(vm, TOP());
      ERROR_IF(IS_EXC(aw));
      PUSH(aw);
      DISPATCH();
    }

    TARGET(END_ASYNC_FOR) {
      /* The handler of `async for`'s __anext__ await: StopAsyncIteration ends the loop;
      ** anything else is re-raised as it is (no new traceback entry). */
      Value exc = sp[-1];
      if (asy_isinstance(vm, exc, vm->exc.StopAsyncIteration)) {
        sp -= 2;
        DISPATCH();
      }
      unwind_idx = lasti_idx = (uint32_t)(ip - code->code) - 1;
      sp--;
      fiber->exc = exc;
      goto exception_unwind;
    }

    TARGET(SETUP_ANNOTATIONS) {
      if (!frame->locals) DISPATCH();
      ObjStr *key = asy_str_intern(vm, "__annotations__", 15);
      if (IS_UNDEF(asy_dict_get_str(frame->locals, key))) {
        ObjDict *d = asy_dict_new(vm);
        asy_dict_set_str(vm, frame->locals, key, OBJ_VAL(d));
      }
      DISPATCH();
    }

    TARGET(GET_LEN) {
      int64_t n = asy_len(vm, TOP());
      ERROR_IF(n < 0);
      PUSH(INT_VAL(n));
      DISPATCH();
    }

    TARGET(MATCH_MAPPING) {
      bool is_mapping = asy_match_is_mapping(vm, TOP());
      PUSH(BOOL_VAL(is_mapping));
      DISPATCH();
    }

    TARGET(MATCH_SEQUENCE) {
      bool is_sequence = asy_match_is_sequence(vm, TOP());
      PUSH(BOOL_VAL(is_sequence));
      DISPATCH();
    }

    TARGET(MATCH_KEYS) {
      Value values = asy_match_keys(vm, PEEK(2), TOP());
      ERROR_IF(IS_EXC(values));
      PUSH(values);
      DISPATCH();
    }

    TARGET(MATCH_CLASS) {
      Value attrs = asy_match_class(vm, PEEK(3), PEEK(2), (int)ARG, TOP());
      ERROR_IF(IS_EXC(attrs));
      sp -= 2;
      sp[-1] = attrs;
      DISPATCH();
    }

    TARGET(PRINT_EXPR) {
      ERROR_IF(!asy_print_expr(vm, TOP()));
      sp--;
      DISPATCH();
    }

#if !USE_COMPUTED_GOTO
  default:
    asy_raise(vm, vm->exc.RuntimeError, "unknown opcode %d", (int)ASY_OP(ins));
    goto error;
#endif
  }
  /* clang-format on */

  /* ---- exceptions --------------------------------------------------------------
  ** error: a raising instruction (the pending exception is new here): record the
  ** traceback entry, then unwind. exception_unwind: a re-raise (no new entry). */
error : {
  STORE_FRAME();
  unwind_idx = lasti_idx = (uint32_t)(ip - code->code) - 1;
  if (IS_UNDEF(fiber->exc))
    asy_raise(vm, vm->exc.RuntimeError, "error return without exception set");
  asy_traceback_add(vm, fiber->exc, code, (int)unwind_idx);
}
exception_unwind : {
  const ExcEntry *h = find_handler(code, unwind_idx);
  if (h) {
    sp = frame->sp_base + h->depth;
    if (h->push_lasti) PUSH(INT_VAL(lasti_idx));
    PUSH(fiber->exc);
    fiber->exc = UNDEF_VAL;
    ip = code->code + h->target;
    RESET_TEMPS();
    DISPATCH();
  }
  raising = true;
  if (frame->flags & FRAME_GEN) {
    asy_gen_stopiteration_error(vm, frame, (int)lasti_idx);
    if (frame->gen->resumed_by) {
      /* Out of a generator run through the delegation shortcut: its delegator raises
      ** it at its SEND (gen.h). */
      if (!asy_gen_reenter_delegator(vm, frame, UNDEF_VAL)) goto pop_frame;
      LOAD_FRAME();
      goto error;
    }
    asy_gen_finish(vm, frame);
  }
  goto pop_frame;
}
}

Value asy_run_to_return(VM *vm) {
  Value result;
  if (asy_run_frames(vm, &result) == ASY_RUN_SUSPENDED)
    return asy_raise(vm, vm->exc.RuntimeError, "cannot suspend here");
  return result;
}
