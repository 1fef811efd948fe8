/*
** opcodes.h — the bytecode, defined once (Wren's wren_opcodes.h). The X-macro drives
** the opcode enum, the disassembler's name table and the computed-goto table.
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
**   comprehension's function has CODE_COROUTINE and its call is followed by AWAIT.
**   A generator expression builds a list eagerly and is followed by GET_ITER, so the
**   program gets a list iterator (next(), for, sum() behave as with a generator).
** - Exception table entries: `depth` is the operand-stack depth (above sp_base) kept
**   when entering the handler; the handler then finds [lasti] exc on top.
*/
#ifndef ASY_OPCODES_H
#define ASY_OPCODES_H

/* OP(name, stack effect description) */
#define ASY_OPCODES(OP) \
  OP(NOP, "--") \
  OP(POP_TOP, "a --") \
  OP(PUSH_NULL, "-- NULL") \
  OP(COPY, "copy the n-th item (1 = top) to the top") \
  OP(SWAP, "swap top with the n-th item (n >= 2)") \
  OP(LOAD_CONST, "-- consts[arg]") \
  OP(LOAD_FAST, "-- local[arg]; UnboundLocalError if UNDEF") \
  OP(STORE_FAST, "v --") \
  OP(DELETE_FAST, "-- ; UnboundLocalError if UNDEF") \
  OP(LOAD_DEREF, "-- cell(localsplus[arg]).value; NameError/UnboundLocalError if empty") \
  OP(STORE_DEREF, "v --") \
  OP(DELETE_DEREF, "--") \
  OP(LOAD_CLOSURE, "-- cell: the cell OBJECT at localsplus[arg] itself (not its value), for MAKE_FUNCTION's closure tuple and the class body's __classcell__") \
  OP(LOAD_FROM_DICT_OR_DEREF, "mapping -- v: class bodies reading a free var: mapping[name of localsplus[arg]] else the cell") \
  OP(LOAD_LOCALS, "-- frame->locals dict") \
  OP(LOAD_NAME, "-- v: names[arg] in locals dict, then globals, then builtins") \
  OP(STORE_NAME, "v -- : locals dict[names[arg]] = v") \
  OP(DELETE_NAME, "--") \
  OP(LOAD_GLOBAL, "-- v [NULL if arg&1]: names[arg>>1] in globals then builtins") \
  OP(STORE_GLOBAL, "v --") \
  OP(DELETE_GLOBAL, "--") \
  OP(LOAD_ATTR, "obj -- attr [NULL]  or, if arg&1 (method load): obj -- meth self | attr NULL; name = names[arg>>1]") \
  OP(STORE_ATTR, "v obj -- : obj.names[arg] = v") \
  OP(DELETE_ATTR, "obj --") \
  OP(BINARY_SUBSCR, "container key -- container[key]") \
  OP(STORE_SUBSCR, "v container key --") \
  OP(DELETE_SUBSCR, "container key --") \
  OP(BINARY_SLICE, "container start stop -- container[start:stop]") \
  OP(STORE_SLICE, "v container start stop --") \
  OP(BUILD_SLICE, "start stop [step] -- slice (arg = 2 or 3)") \
  OP(BINARY_OP, "a b -- a op b; arg = AsyBinOp, + ASY_INPLACE for augmented assignment") \
  OP(UNARY_NEGATIVE, "a -- -a") \
  OP(UNARY_POSITIVE, "a -- +a") \
  OP(UNARY_INVERT, "a -- ~a") \
  OP(UNARY_NOT, "a -- not a") \
  OP(COMPARE_OP, "a b -- a cmp b; arg = AsyCmpOp") \
  OP(IS_OP, "a b -- a is b (arg 1: is not)") \
  OP(CONTAINS_OP, "a b -- a in b (arg 1: not in)") \
  OP(BUILD_TUPLE, "items[arg] -- tuple") \
  OP(BUILD_LIST, "items[arg] -- list") \
  OP(BUILD_SET, "items[arg] -- set") \
  OP(BUILD_MAP, "k1 v1 .. kn vn -- dict (arg = n)") \
  OP(BUILD_STRING, "s1 .. sn -- concatenation (arg = n)") \
  OP(LIST_APPEND, "list <arg-1 items> v -- list ...: append v to the list arg deep (comprehensions)") \
  OP(SET_ADD, "same shape as LIST_APPEND for sets") \
  OP(MAP_ADD, "dict <arg-1 items> k v -- dict ...") \
  OP(LIST_EXTEND, "list <..> iterable -- list <..> (list at depth arg)") \
  OP(SET_UPDATE, "set <..> iterable -- set <..>") \
  OP(DICT_UPDATE, "dict <..> mapping -- dict <..> ({**a})") \
  OP(DICT_MERGE, "dict <..> mapping -- dict <..> (f(**a): TypeError on duplicate keys)") \
  OP(LIST_TO_TUPLE, "list -- tuple") \
  OP(CONVERT_VALUE, "v -- str(v)/repr(v)/ascii(v); arg 1 str, 2 repr, 3 ascii") \
  OP(FORMAT_SIMPLE, "v -- format(v, '')") \
  OP(FORMAT_WITH_SPEC, "v spec -- format(v, spec)") \
  OP(JUMP_FORWARD, "jump to arg") \
  OP(JUMP_BACKWARD, "jump to arg (a loop edge: safe point for GC/interrupts)") \
  OP(POP_JUMP_IF_FALSE, "v -- ; jump if not truthy") \
  OP(POP_JUMP_IF_TRUE, "v -- ; jump if truthy") \
  OP(POP_JUMP_IF_NONE, "v --") \
  OP(POP_JUMP_IF_NOT_NONE, "v --") \
  OP(JUMP_IF_FALSE_OR_POP, "v -- v | ; keep v and jump if falsy, else pop (and/or)") \
  OP(JUMP_IF_TRUE_OR_POP, "v -- v | ;") \
  OP(GET_ITER, "iterable -- iterator") \
  OP(FOR_ITER, "iterator -- iterator next | (exhausted: pop iterator, jump to arg)") \
  OP(UNPACK_SEQUENCE, "seq -- v_n .. v_1 (v_1 on top), arg = n; ValueError messages as CPython") \
  OP(UNPACK_EX, "seq -- ... (arg = before | after << 8), starred middle as a list") \
  OP(CALL, "callable self_or_NULL args[arg] -- result") \
  OP(CALL_KW, "callable self_or_NULL args[arg] kwnames -- result (kwnames: const tuple of str naming the last len(kwnames) args)") \
  OP(CALL_FUNCTION_EX, "callable self_or_NULL argtuple [kwdict if arg&1] -- result") \
  OP(RETURN_VALUE, "v -- (return v from the frame)") \
  OP(RETURN_CONST, "-- (return consts[arg])") \
  OP(MAKE_FUNCTION, "[defaults tuple if arg&1] [kwdefaults dict if arg&2] [closure tuple if arg&8] code -- function") \
  OP(BUILD_CLASS, "body_function name bases_tuple kwnames_or_None kwvalues... -- class: runs body with a fresh namespace dict (frame->locals), then creates the class (arg = number of keyword values)") \
  OP(IMPORT_NAME, "-- module: import names[arg] (absolute)") \
  OP(IMPORT_FROM, "module -- module attr: from-import names[arg]; ImportError 'cannot import name'") \
  OP(RAISE_VARARGS, "arg 0: re-raise the handled exception; 1: exc --; 2: exc cause --") \
  OP(RERAISE, "values[arg] exc -- : raise exc again keeping its traceback (no new traceback entry). The exception-table lookup uses the index of this RERAISE itself, NOT lasti (CPython's exception_unwind uses next_instr-1): using lasti would loop back into the same handler. values[0] (arg slots below exc) is the lasti int, which CPython only uses for f_lineno; Asy can ignore it") \
  OP(PUSH_EXC_INFO, "exc -- prev_handled exc; handled = exc") \
  OP(POP_EXCEPT, "prev_handled -- ; handled = prev_handled") \
  OP(CHECK_EXC_MATCH, "exc type -- exc bool (type may be a tuple; TypeError for non-classes as CPython)") \
  OP(CHECK_EG_MATCH, "eg type -- rest match (CPython semantics: split; both NULL... see bytecodes.c)") \
  OP(CALL_INTRINSIC_1, "v -- f(v); arg = AsyIntrinsic1") \
  OP(CALL_INTRINSIC_2, "a b -- f(a,b); arg = AsyIntrinsic2") \
  OP(LOAD_ASSERTION_ERROR, "-- AssertionError class") \
  OP(BEFORE_WITH, "mgr -- bound_exit enter_result") \
  OP(WITH_EXCEPT_START, "exit lasti prev exc -- exit lasti prev exc result: result = exit(type, exc, tb)") \
  OP(GET_AWAITABLE, "v -- iterator: what `await v` drives (a coroutine itself, else v.__await__()); CPython's TypeErrors") \
  OP(GET_YIELD_FROM_ITER, "v -- iterator: what `yield from v` drives (a generator itself, else iter(v))") \
  OP(SEND, "receiver v -- receiver r: send v into receiver (an Asy generator/coroutine is resumed inline: its frame is pushed); if it yields, r is the yielded value and execution continues at the next instruction; if it returns, r is its value and execution jumps to arg") \
  OP(YIELD_VALUE, "v -- sent: suspend the generator frame yielding v; on resume the sent value is pushed. arg 1: an async generator's own yield (ends the asend/athrow that resumed it)") \
  OP(END_SEND, "receiver v -- v") \
  OP(BEFORE_ASYNC_WITH, "mgr -- bound_aexit awaitable_of_aenter") \
  OP(GET_AITER, "aiterable -- aiterator") \
  OP(GET_ANEXT, "aiterator -- aiterator awaitable") \
  OP(END_ASYNC_FOR, "aiterator exc -- : StopAsyncIteration ends the loop, else re-raise") \
  OP(SETUP_ANNOTATIONS, "-- : create __annotations__ in the locals dict if absent") \
  OP(PRINT_EXPR, "v -- : REPL echo (repr to stdout, sets builtins._)")

typedef enum {
#define OP(name, effect) OP_##name,
  ASY_OPCODES(OP)
#undef OP
  OP__COUNT
} AsyOpcode;

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
} AsyIntrinsic1;
typedef enum {
  INTRINSIC_PREP_RERAISE_STAR = 1,   /* orig_eg excs_list -- eg_or_None (CPython's _PyExc_PrepReraiseStar) */
} AsyIntrinsic2;

/* The printable name of an opcode (disassembler). */
const char *asy_opcode_name(int op);

#endif
