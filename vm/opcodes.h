/*
** opcodes.h — the bytecode, defined once (Wren's wren_opcodes.h). The X-macro drives
** the opcode enum, the computed-goto table, the compiler's stack effects and its
** jump/terminal facts (lang/emit.c), and the disassembler's names and argument
** display (vm/disasm.c): every fact about an opcode is in its one row.
**
** Adding an opcode is one row in ASY_OPCODES plus its handler in vm/interp.c (with
** computed gotos a missing handler fails to build). Only if its stack effect is ASY_VARIES does it
** also need a case in emit.c's varying_effect(), which aborts on a missing one; an
** OPARG_OTHER argument may get a readable form in disasm.c's print_arg().
**
** Encoding: each instruction is one uint32_t: opcode in bits 0-7, argument in bits
** 8-31 (0 .. 16M). No EXTENDED_ARG. Jump arguments are ABSOLUTE instruction indices.
**
** Semantics follow CPython 3.13's bytecode wherever a name is shared (stack effects as
** in the `dis` documentation), simplified as noted. Stack notation: "a b -- c" means
** pops b (top) then a, pushes c. NULL below means the UNDEF value.
**
** Exceptions use CPython 3.11+'s zero-cost scheme: a per-code exception table
** (ExcEntry in object.h). When an instruction raises, the interpreter finds the
** innermost entry covering it; if none, the frame is popped and the exception
** propagates to the caller (recording a traceback entry). If one is found: the value
** stack is cut to `depth`, the raising instruction index is pushed as an int if
** push_lasti, then the exception; execution jumps to `target`. Handlers start with
** PUSH_EXC_INFO, leave through POP_EXCEPT, and RERAISE when nothing matched — exactly
** CPython's code shapes for try/except, try/finally, with, except*.
*/
/*
** Compiler conventions the interpreter relies on (lang/compile*.c):
** - CALL/CALL_KW/CALL_FUNCTION_EX: a non-NULL self_or_NULL is ALWAYS prepended as the
**   first positional argument, wherever it came from (CPython 3.13). The compiler uses
**   `f x CALL 0` to call f(x) for decorators, comprehension functions (x = the outermost
**   iterator) and `assert c, msg` (AssertionError msg CALL 0).
** - Zero-argument super() is compiled as super(__class__, <first parameter>): a plain
**   CALL 2 of the builtin; no frame introspection is needed.
** - Class bodies: BUILD_CLASS runs the body function with a fresh namespace dict as
**   frame->locals. When the class needs the implicit __class__ cell (a method uses
**   super() or __class__), the body ends with LOAD_CLOSURE <__class__ cell>; COPY 1;
**   STORE_NAME __classcell__; RETURN_VALUE: BUILD_CLASS must pop __classcell__ from the
**   namespace and set that cell's value to the new class. Otherwise the body returns None.
**   The body starts by storing __module__ (LOAD_NAME __name__) and __qualname__.
** - MAKE_FUNCTION: function name and qualname come from code->name / code->qualname;
**   __doc__ is consts[0] when code->flags has CODE_HAS_DOCSTRING, else None.
** - Comprehensions and generator expressions are nested functions (flag
**   CODE_INLINED_COMP for list/set/dict ones) with one parameter ".0"; an async
**   comprehension's function has CODE_COROUTINE and its call is awaited. A generator
**   expression's function is a generator (CODE_GENERATOR) that yields each element;
**   an async one still builds a list eagerly, awaited, then GET_ITER.
** - `await x`: GET_AWAITABLE, LOAD_CONST None, then SEND/YIELD_VALUE 0/JUMP_BACKWARD
**   back to SEND, and END_SEND at SEND's target (CPython 3.12+'s shape; vm/gen.h says
**   how the loop resumes delegates inline). `yield from x` is the same after
**   GET_YIELD_FROM_ITER.
** - Exception table entries: `depth` is the operand-stack depth (above sp_base) kept
**   when entering the handler; the handler then finds [lasti] exc on top.
*/
#ifndef ASY_OPCODES_H
#define ASY_OPCODES_H

#include <stdbool.h>
#include <stdint.h>

/*
** Rows are OP(name, pops, pushes, flags, doc):
** - pops, pushes: how many items the instruction removes from the top of the operand
**   stack, then how many it adds, on both the fall-through and the jump path. Items
**   it leaves in place below the new ones are not counted (COPY's source,
**   LIST_APPEND's list, WITH_EXCEPT_START's four), so the counts are the least that
**   describe the depth change; doc shows the full shape. RERAISE counts only exc:
**   it is terminal, so what else it drops never reaches a later depth.
**   ASY_VARIES in both marks an effect that depends on the argument or on which
**   path is taken; emit.c's varying_effect() gives it. Keep such rows few.
** - flags: the argument's kind (OPARG_*), | OPF_TERMINAL when the instruction never
**   falls through to the next one.
** - doc: the stack shape and meaning, in the notation above.
*/
#define ASY_VARIES (-1)

enum {
  OPARG_NONE,      /* no argument: the disassembler shows none */
  OPARG_CONST,     /* consts[arg] */
  OPARG_NAME,      /* names[arg] */
  OPARG_NAME_FLAG, /* names[arg >> 1], with a flag in bit 0 */
  OPARG_LOCAL,     /* localsplus[arg]: fast locals, then cells, then free variables */
  OPARG_JUMP,      /* an absolute instruction index: the instruction is a jump */
  OPARG_OTHER,     /* a count or a selector, as doc says */
  OPARG_MASK = 7,
  OPF_TERMINAL = 8
};

/* clang-format off */
#define ASY_OPCODES(OP) \
  OP(NOP,                     0, 0,                   OPARG_NONE,                 "--") \
  OP(POP_TOP,                 1, 0,                   OPARG_NONE,                 "a --") \
  OP(PUSH_NULL,               0, 1,                   OPARG_NONE,                 "-- NULL") \
  OP(COPY,                    0, 1,                   OPARG_OTHER,                "copy the n-th item (1 = top) to the top") \
  OP(SWAP,                    0, 0,                   OPARG_OTHER,                "swap top with the n-th item (n >= 2)") \
  OP(LOAD_CONST,              0, 1,                   OPARG_CONST,                "-- consts[arg]") \
  OP(LOAD_FAST,               0, 1,                   OPARG_LOCAL,                "-- local[arg]; UnboundLocalError if UNDEF") \
  OP(STORE_FAST,              1, 0,                   OPARG_LOCAL,                "v --") \
  OP(DELETE_FAST,             0, 0,                   OPARG_LOCAL,                "-- ; UnboundLocalError if UNDEF") \
  OP(LOAD_DEREF,              0, 1,                   OPARG_LOCAL,                "-- cell(localsplus[arg]).value; NameError/UnboundLocalError if empty") \
  OP(STORE_DEREF,             1, 0,                   OPARG_LOCAL,                "v --") \
  OP(DELETE_DEREF,            0, 0,                   OPARG_LOCAL,                "--") \
  OP(LOAD_CLOSURE,            0, 1,                   OPARG_LOCAL,                "-- cell: the cell OBJECT at localsplus[arg] itself (not its value), for MAKE_FUNCTION's closure tuple and the class body's __classcell__") \
  OP(LOAD_FROM_DICT_OR_DEREF, 1, 1,                   OPARG_LOCAL,                "mapping -- v: class bodies reading a free var: mapping[name of localsplus[arg]] else the cell") \
  OP(LOAD_LOCALS,             0, 1,                   OPARG_NONE,                 "-- frame->locals dict") \
  OP(LOAD_NAME,               0, 1,                   OPARG_NAME,                 "-- v: names[arg] in locals dict, then globals, then builtins") \
  OP(STORE_NAME,              1, 0,                   OPARG_NAME,                 "v -- : locals dict[names[arg]] = v") \
  OP(DELETE_NAME,             0, 0,                   OPARG_NAME,                 "--") \
  OP(LOAD_GLOBAL,             ASY_VARIES, ASY_VARIES, OPARG_NAME_FLAG,            "-- v [NULL if arg&1]: names[arg>>1] in globals then builtins") \
  OP(STORE_GLOBAL,            1, 0,                   OPARG_NAME,                 "v --") \
  OP(DELETE_GLOBAL,           0, 0,                   OPARG_NAME,                 "--") \
  OP(LOAD_ATTR,               ASY_VARIES, ASY_VARIES, OPARG_NAME_FLAG,            "obj -- attr [NULL]  or, if arg&1 (method load): obj -- meth self | attr NULL; name = names[arg>>1]") \
  OP(STORE_ATTR,              2, 0,                   OPARG_NAME,                 "v obj -- : obj.names[arg] = v") \
  OP(DELETE_ATTR,             1, 0,                   OPARG_NAME,                 "obj --") \
  OP(BINARY_SUBSCR,           2, 1,                   OPARG_NONE,                 "container key -- container[key]") \
  OP(STORE_SUBSCR,            3, 0,                   OPARG_NONE,                 "v container key --") \
  OP(DELETE_SUBSCR,           2, 0,                   OPARG_NONE,                 "container key --") \
  OP(BINARY_SLICE,            3, 1,                   OPARG_NONE,                 "container start stop -- container[start:stop]") \
  OP(STORE_SLICE,             4, 0,                   OPARG_NONE,                 "v container start stop --") \
  OP(BUILD_SLICE,             ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "start stop [step] -- slice (arg = 2 or 3)") \
  OP(BINARY_OP,               2, 1,                   OPARG_OTHER,                "a b -- a op b; arg = AsyBinOp, + ASY_INPLACE for augmented assignment") \
  OP(UNARY_NEGATIVE,          1, 1,                   OPARG_NONE,                 "a -- -a") \
  OP(UNARY_POSITIVE,          1, 1,                   OPARG_NONE,                 "a -- +a") \
  OP(UNARY_INVERT,            1, 1,                   OPARG_NONE,                 "a -- ~a") \
  OP(UNARY_NOT,               1, 1,                   OPARG_NONE,                 "a -- not a") \
  OP(COMPARE_OP,              2, 1,                   OPARG_OTHER,                "a b -- a cmp b; arg = AsyCmpOp") \
  OP(IS_OP,                   2, 1,                   OPARG_OTHER,                "a b -- a is b (arg 1: is not)") \
  OP(CONTAINS_OP,             2, 1,                   OPARG_OTHER,                "a b -- a in b (arg 1: not in)") \
  OP(BUILD_TUPLE,             ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "items[arg] -- tuple") \
  OP(BUILD_LIST,              ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "items[arg] -- list") \
  OP(BUILD_SET,               ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "items[arg] -- set") \
  OP(BUILD_MAP,               ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "k1 v1 .. kn vn -- dict (arg = n)") \
  OP(BUILD_STRING,            ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "s1 .. sn -- concatenation (arg = n)") \
  OP(LIST_APPEND,             1, 0,                   OPARG_OTHER,                "list <arg-1 items> v -- list ...: append v to the list arg deep (comprehensions)") \
  OP(SET_ADD,                 1, 0,                   OPARG_OTHER,                "same shape as LIST_APPEND for sets") \
  OP(MAP_ADD,                 2, 0,                   OPARG_OTHER,                "dict <arg-1 items> k v -- dict ...") \
  OP(LIST_EXTEND,             1, 0,                   OPARG_OTHER,                "list <..> iterable -- list <..> (list at depth arg)") \
  OP(SET_UPDATE,              1, 0,                   OPARG_OTHER,                "set <..> iterable -- set <..>") \
  OP(DICT_UPDATE,             1, 0,                   OPARG_OTHER,                "dict <..> mapping -- dict <..> ({**a})") \
  OP(DICT_MERGE,              1, 0,                   OPARG_OTHER,                "dict <..> mapping -- dict <..> (f(**a): TypeError on duplicate keys)") \
  OP(LIST_TO_TUPLE,           1, 1,                   OPARG_NONE,                 "list -- tuple") \
  OP(CONVERT_VALUE,           1, 1,                   OPARG_OTHER,                "v -- str(v)/repr(v)/ascii(v); arg 1 str, 2 repr, 3 ascii") \
  OP(FORMAT_SIMPLE,           1, 1,                   OPARG_NONE,                 "v -- format(v, '')") \
  OP(FORMAT_WITH_SPEC,        2, 1,                   OPARG_NONE,                 "v spec -- format(v, spec)") \
  OP(JUMP_FORWARD,            0, 0,                   OPARG_JUMP | OPF_TERMINAL,  "jump to arg") \
  OP(JUMP_BACKWARD,           0, 0,                   OPARG_JUMP | OPF_TERMINAL,  "jump to arg (a loop edge: safe point for GC/interrupts)") \
  OP(POP_JUMP_IF_FALSE,       1, 0,                   OPARG_JUMP,                 "v -- ; jump if not truthy") \
  OP(POP_JUMP_IF_TRUE,        1, 0,                   OPARG_JUMP,                 "v -- ; jump if truthy") \
  OP(POP_JUMP_IF_NONE,        1, 0,                   OPARG_JUMP,                 "v --") \
  OP(POP_JUMP_IF_NOT_NONE,    1, 0,                   OPARG_JUMP,                 "v --") \
  OP(JUMP_IF_FALSE_OR_POP,    ASY_VARIES, ASY_VARIES, OPARG_JUMP,                 "v -- v | ; keep v and jump if falsy, else pop (and/or)") \
  OP(JUMP_IF_TRUE_OR_POP,     ASY_VARIES, ASY_VARIES, OPARG_JUMP,                 "v -- v | ;") \
  OP(GET_ITER,                1, 1,                   OPARG_NONE,                 "iterable -- iterator") \
  OP(FOR_ITER,                ASY_VARIES, ASY_VARIES, OPARG_JUMP,                 "iterator -- iterator next | (exhausted: pop iterator, jump to arg)") \
  OP(UNPACK_SEQUENCE,         ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "seq -- v_n .. v_1 (v_1 on top), arg = n; ValueError messages as CPython") \
  OP(UNPACK_EX,               ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "seq -- ... (arg = before | after << 8), starred middle as a list") \
  OP(CALL,                    ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "callable self_or_NULL args[arg] -- result") \
  OP(CALL_KW,                 ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "callable self_or_NULL args[arg] kwnames -- result (kwnames: const tuple of str naming the last len(kwnames) args)") \
  OP(CALL_FUNCTION_EX,        ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "callable self_or_NULL argtuple [kwdict if arg&1] -- result") \
  OP(RETURN_VALUE,            1, 0,                   OPARG_NONE | OPF_TERMINAL,  "v -- (return v from the frame)") \
  OP(RETURN_CONST,            0, 0,                   OPARG_CONST | OPF_TERMINAL, "-- (return consts[arg])") \
  OP(MAKE_FUNCTION,           ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "[defaults tuple if arg&1] [kwdefaults dict if arg&2] [closure tuple if arg&8] code -- function") \
  OP(BUILD_CLASS,             ASY_VARIES, ASY_VARIES, OPARG_OTHER,                "body_function name bases_tuple kwnames_or_None kwvalues... -- class: runs body with a fresh namespace dict (frame->locals), then creates the class (arg = number of keyword values)") \
  OP(IMPORT_NAME,             0, 1,                   OPARG_NAME,                 "-- module: import names[arg] (absolute)") \
  OP(IMPORT_FROM,             0, 1,                   OPARG_NAME,                 "module -- module attr: from-import names[arg]; ImportError 'cannot import name'") \
  OP(RAISE_VARARGS,           ASY_VARIES, ASY_VARIES, OPARG_OTHER | OPF_TERMINAL, "arg 0: re-raise the handled exception; 1: exc --; 2: exc cause --") \
  OP(RERAISE,                 1, 0,                   OPARG_OTHER | OPF_TERMINAL, "values[arg] exc -- : raise exc again keeping its traceback (no new traceback entry). The exception-table lookup uses the index of this RERAISE itself, NOT lasti (CPython's exception_unwind uses next_instr-1): using lasti would loop back into the same handler. values[0] (arg slots below exc) is the lasti int, which CPython only uses for f_lineno; Asy can ignore it") \
  OP(PUSH_EXC_INFO,           1, 2,                   OPARG_NONE,                 "exc -- prev_handled exc; handled = exc") \
  OP(POP_EXCEPT,              1, 0,                   OPARG_NONE,                 "prev_handled -- ; handled = prev_handled") \
  OP(CHECK_EXC_MATCH,         1, 1,                   OPARG_NONE,                 "exc type -- exc bool (type may be a tuple; TypeError for non-classes as CPython)") \
  OP(CHECK_EG_MATCH,          2, 2,                   OPARG_NONE,                 "eg type -- rest match (CPython semantics: split; both NULL... see bytecodes.c)") \
  OP(CALL_INTRINSIC_1,        1, 1,                   OPARG_OTHER,                "v -- f(v); arg = AsyIntrinsic1") \
  OP(CALL_INTRINSIC_2,        2, 1,                   OPARG_OTHER,                "a b -- f(a,b); arg = AsyIntrinsic2") \
  OP(LOAD_ASSERTION_ERROR,    0, 1,                   OPARG_NONE,                 "-- AssertionError class") \
  OP(BEFORE_WITH,             1, 2,                   OPARG_NONE,                 "mgr -- bound_exit enter_result") \
  OP(WITH_EXCEPT_START,       0, 1,                   OPARG_NONE,                 "exit lasti prev exc -- exit lasti prev exc result: result = exit(type, exc, tb)") \
  OP(GET_AWAITABLE,           1, 1,                   OPARG_NONE,                 "v -- iterator: what `await v` drives (a coroutine itself, else v.__await__()); CPython's TypeErrors") \
  OP(GET_YIELD_FROM_ITER,     1, 1,                   OPARG_NONE,                 "v -- iterator: what `yield from v` drives (a generator itself, else iter(v))") \
  OP(SEND,                    2, 2,                   OPARG_JUMP,                 "receiver v -- receiver r: send v into receiver (an Asy generator/coroutine is resumed inline: its frame is pushed); if it yields, r is the yielded value and execution continues at the next instruction; if it returns, r is its value and execution jumps to arg") \
  OP(YIELD_VALUE,             1, 1,                   OPARG_OTHER,                "v -- sent: suspend the generator frame yielding v; on resume the sent value is pushed. arg 1: an async generator's own yield (ends the asend/athrow that resumed it)") \
  OP(END_SEND,                2, 1,                   OPARG_NONE,                 "receiver v -- v") \
  OP(BEFORE_ASYNC_WITH,       1, 2,                   OPARG_NONE,                 "mgr -- bound_aexit awaitable_of_aenter") \
  OP(GET_AITER,               1, 1,                   OPARG_NONE,                 "aiterable -- aiterator") \
  OP(GET_ANEXT,               0, 1,                   OPARG_NONE,                 "aiterator -- aiterator awaitable") \
  OP(END_ASYNC_FOR,           2, 0,                   OPARG_NONE,                 "aiterator exc -- : StopAsyncIteration ends the loop, else re-raise") \
  OP(SETUP_ANNOTATIONS,       0, 0,                   OPARG_NONE,                 "-- : create __annotations__ in the locals dict if absent") \
  OP(PRINT_EXPR,              1, 0,                   OPARG_NONE,                 "v -- : REPL echo (repr to stdout, sets builtins._)") \
  OP(GET_LEN,                 1, 2,                   OPARG_NONE,                 "v -- v len(v) (match statements)") \
  OP(MATCH_MAPPING,           1, 2,                   OPARG_NONE,                 "subject -- subject bool: is it a mapping (dict and subclasses)") \
  OP(MATCH_SEQUENCE,          1, 2,                   OPARG_NONE,                 "subject -- subject bool: is it a sequence (list, tuple, range, deque, not str/bytes)") \
  OP(MATCH_KEYS,              2, 3,                   OPARG_NONE,                 "subject keys -- subject keys values_tuple_or_None (lookups through subject.get)") \
  OP(MATCH_CLASS,             3, 1,                   OPARG_OTHER,                "subject cls names -- attrs_tuple_or_None: arg positional sub-patterns via __match_args__, then the attributes in names") \
  /* Superinstructions, written by the compiler over the first of the instructions they \
  ** stand for (emit.c's fuse): those stay in place, so a jump into them still works, \
  ** and the fused form skips them; when its fast case does not apply it acts as the \
  ** LOAD_FAST it replaced. Stack effects are those of that LOAD_FAST. */ \
  OP(LOAD_FAST_LOAD_CONST,    0, 1,                   OPARG_LOCAL,                "-- local[arg] const: LOAD_FAST then the LOAD_CONST after it") \
  OP(LOAD_FAST_LOAD_FAST,     0, 1,                   OPARG_LOCAL,                "-- local[arg] local[next's arg]: LOAD_FAST then the LOAD_FAST after it") \
  OP(LOAD_FAST_LOAD_ATTR,     0, 1,                   OPARG_LOCAL,                "-- local[arg].name: LOAD_FAST then the LOAD_ATTR after it (either form), when its attribute site hits inline") \
  OP(LOAD_FAST_STORE_ATTR,    0, 1,                   OPARG_LOCAL,                "v -- v local[arg]: LOAD_FAST then the STORE_ATTR after it, done at once (v --) when its attribute site hits inline") \
  OP(LOAD_FAST_ADD_INT,       0, 1,                   OPARG_OTHER,                "-- local[arg & 0xff] + c: LOAD_FAST, LOAD_CONST int, BINARY_OP +/- (c = arg >> 8 as int16, negated for -)") \
  OP(LOAD_FAST_ADD_INT_STORE, 0, 1,                   OPARG_OTHER,                "-- : LOAD_FAST_ADD_INT followed by STORE_FAST, the sum stored into that local") \
  OP(LOAD_FAST_CMP_INT,       0, 1,                   OPARG_OTHER,                "-- : LOAD_FAST, LOAD_CONST int, COMPARE_OP, POP_JUMP_IF_FALSE (local arg & 0xff, the operator's result mask (arg >> 8) & 7: bit 0 <, 1 ==, 2 >; c = arg >> 11 as int13)") \
  OP(LOAD_FAST_RETURN,        0, 1,                   OPARG_LOCAL,                "-- : LOAD_FAST then the RETURN_VALUE after it (`return x`), at once from a plain frame")

typedef enum {
#define OP(name, pops, pushes, flags, doc) OP_##name,
  ASY_OPCODES(OP)
#undef OP
  OP__COUNT
} AsyOpcode;

/* One row of the table, its flags split. */
typedef struct {
  int8_t pops, pushes; /* ASY_VARIES in both: see varying_effect() in emit.c */
  uint8_t arg;         /* OPARG_* */
  bool terminal;
} AsyOpFacts;

/* The row of `op`; a value that is no opcode gets ASY_VARIES (the compiler stops on
   it) and OPARG_OTHER. */
static inline AsyOpFacts asy_op_facts(int op) {
  static const AsyOpFacts rows[OP__COUNT] = {
#define OP(name, pops, pushes, flags, doc) \
  [OP_##name] = {pops, pushes, (flags) & OPARG_MASK, ((flags) & OPF_TERMINAL) != 0},
      ASY_OPCODES(OP)
#undef OP
  };
  if (op < 0 || op >= OP__COUNT)
    return (AsyOpFacts){ASY_VARIES, ASY_VARIES, OPARG_OTHER, false};
  return rows[op];
}

#define ASY_OP(ins) ((AsyOpcode)((ins) & 0xff))
#define ASY_ARG(ins) ((uint32_t)(ins) >> 8)
#define ASY_INS(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))

/* BINARY_OP arguments: CPython's NB_* numbering. In-place variants add ASY_INPLACE. */
typedef enum {
  BINOP_ADD, BINOP_AND, BINOP_FLOOR_DIVIDE, BINOP_LSHIFT, BINOP_MATRIX_MULTIPLY,
  BINOP_MULTIPLY, BINOP_REMAINDER, BINOP_OR, BINOP_POWER, BINOP_RSHIFT, BINOP_SUBTRACT,
  BINOP_TRUE_DIVIDE, BINOP_XOR, BINOP__COUNT
} AsyBinOp;
#define ASY_INPLACE 13

/* Unary operators for asy_unary_op. */
typedef enum { UNOP_NEGATIVE, UNOP_POSITIVE, UNOP_INVERT, UNOP_NOT } AsyUnaryOp;

/* COMPARE_OP arguments (CPython's Py_LT … order). */
typedef enum { CMP_LT, CMP_LE, CMP_EQ, CMP_NE, CMP_GT, CMP_GE } AsyCmpOp;

/* CALL_INTRINSIC_1 / _2 arguments. */
typedef enum {
  INTRINSIC_IMPORT_STAR = 1,             /* module -- None: `from m import *` into frame->locals (module level only): m.__all__ or its public names */
  /* PEP 695 (vm/typeparams.c, through typing's _pep695_* helpers): */
  INTRINSIC_TYPEVAR,                     /* name -- TypeVar */
  INTRINSIC_PARAMSPEC,                   /* name -- ParamSpec */
  INTRINSIC_TYPEVARTUPLE,                /* name -- TypeVarTuple */
  INTRINSIC_SUBSCRIPT_GENERIC,           /* type_params -- Generic[*type_params] */
  INTRINSIC_TYPEALIAS,                   /* (name, type_params|None, evaluate_value) -- TypeAliasType */
} AsyIntrinsic1;
typedef enum {
  INTRINSIC_PREP_RERAISE_STAR = 1,   /* orig_eg excs_list -- eg_or_None (CPython's _PyExc_PrepReraiseStar) */
  INTRINSIC_TYPEVAR_WITH_BOUND,      /* name evaluate_bound -- TypeVar */
  INTRINSIC_TYPEVAR_WITH_CONSTRAINTS, /* name evaluate_constraints -- TypeVar */
  INTRINSIC_SET_FUNCTION_TYPE_PARAMS, /* func type_params -- func */
  INTRINSIC_SET_TYPEPARAM_DEFAULT,    /* type_param evaluate_default -- type_param (PEP 696) */
} AsyIntrinsic2;

/* clang-format on */

#endif
