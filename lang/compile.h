/*
** compile.h — the code generator's internal interface (compile.c, compile_stmt.c,
** compile_expr.c, emit.c). The public entry point is asy_compile (vm.h).
**
** Shape of the generator (CPython 3.13's compile.c, without its CFG optimiser):
**  - one Unit per code object being built (module, class body, function, lambda,
**    comprehension); units nest like the scopes of the symtable;
**  - instructions are emitted straight into the unit with symbolic labels; jumps are
**    resolved to absolute indices when the unit is assembled;
**  - exception handling follows CPython's SETUP_* / POP_BLOCK pseudo-instructions:
**    push_handler() makes a new handler whose parent is the current one,
**    pop_handler() returns to the parent, each emitted instruction records the
**    current handler, and (like the stack depth) a label remembers the handler in
**    force where jumps to it come from; a handler's own entry label runs under its
**    parent. Assembly turns runs of equal handlers into ExcEntry ranges;
**  - the operand-stack depth is tracked while emitting (labels remember the depth
**    jumps bring), which gives the handler depths; a flow pass at assembly computes
**    stacksize and checks the bookkeeping;
**  - the "frame blocks" (fblocks) stack mirrors CPython's: break/continue/return
**    unwind through it, emitting finally bodies and __exit__ calls inline.
*/
#ifndef ASY_COMPILE_H
#define ASY_COMPILE_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/ast.h"
#include "lang/parse.h"
#include "lang/symtable.h"
#include "vm/gc.h"
#include "vm/opcodes.h"
#include "vm/vm.h"

/* Pseudo opcode: an unconditional jump, resolved to JUMP_FORWARD or JUMP_BACKWARD. */
#define OP_JUMP_PSEUDO 255

/* A position that means "inherit the previous instruction's" (CPython NO_LOCATION). */
#define NO_LOC ((AsyPos){-1, -1, -1, -1})
static inline AsyPos node_loc(const AstNode *n) {
  return (AsyPos){n->lineno, n->end_lineno, n->col_offset, n->end_col_offset};
}

typedef enum {
  UNIT_MODULE,
  UNIT_CLASS,
  UNIT_FUNCTION,
  UNIT_ASYNC_FUNCTION,
  UNIT_LAMBDA,
  UNIT_COMPREHENSION,
} UnitKind;

typedef enum {
  FB_WHILE_LOOP,
  FB_FOR_LOOP,
  FB_TRY_EXCEPT,
  FB_FINALLY_TRY,
  FB_FINALLY_END,
  FB_WITH,
  FB_ASYNC_WITH,
  FB_HANDLER_CLEANUP,
  FB_POP_VALUE,
  FB_EXCEPTION_HANDLER,
  FB_EXCEPTION_GROUP_HANDLER,
  FB_ASYNC_COMPREHENSION_GENERATOR,
} FBlockType;

typedef struct {
  FBlockType type;
  int block;         /* label: loop head (continue target) */
  int exit;          /* label: loop exit (break target) */
  const void *datum; /* FINALLY_TRY: AstSeq* of the finally body; HANDLER_CLEANUP:
                         the `as` name (const char*) or NULL */
  AsyPos loc;
  int depth; /* operand-stack depth of the statements inside this block */
} FBlock;

typedef struct {
  int label;  /* handler entry */
  int depth;  /* stack depth kept when entering the handler */
  bool lasti; /* push the raising instruction index too */
  int parent; /* handler in force around this one (and in its entry code), -1 none */
} Handler;

#define MAX_FBLOCKS 21 /* CPython CO_MAXBLOCKS: "too many statically nested blocks" */

/* clang-format off */
typedef struct Unit Unit;
struct Unit {
  Unit *parent;
  Scope *ste;
  UnitKind kind;
  const char *name;
  char *qualname;
  const char *private_;   /* class name for mangling */
  /* instructions */
  uint32_t *code; AsyPos *pos; int *hid; int ncode, capcode;
  /* labels: position, stack depth and handler on arrival (-1 / -2 = unknown) */
  int *lpos, *ldepth, *lhid; int nlabels, caplabels;
  /* exception handlers */
  Handler *handlers; int nhandlers, caphandlers;
  int cur_handler;    /* -1 = none */
  /* operand stack bookkeeping */
  int depth, maxdepth;
  /* constants and names */
  Value *consts; int nconsts, capconsts;
  int *cindex; int cindex_cap;
  const char **names; int nnames, capnames;
  int *nindex; int nindex_cap;
  /* localsplus: fast locals (parameters first), cells, free variables */
  const char **fast; int nfast, capfast;
  const char **cells; int ncells;
  int *cell2arg;
  const char **frees; int nfree;
  /* hash indexes over fast/cells/frees (slots hold position + 1), built by layout_locals:
     a function with 70000 locals must not cost a linear search per name */
  int *fast_ix, *cell_ix, *free_ix; int fast_ixcap, cell_ixcap, free_ixcap;
  /* frame blocks */
  FBlock fblocks[MAX_FBLOCKS]; int nfblocks;
  /* class bodies: names X assigned as `self.X` in nested functions (CPython 3.13's
     __static_attributes__) */
  const char **static_attrs; int nstatic, capstatic;
  bool typeparams;         /* the type-parameter scope of a generic def/class/alias */
  /* code object header */
  int firstline;
  int argcount, posonly, kwonly, flags;
};

typedef struct Compiler {
  VM *vm;
  AsySource *src;
  AstArena *arena;
  SymTable *st;
  AsySyntaxErr *err;
  bool failed;
  bool interactive;   /* mode 1: expression statements at module level echo */
  bool future_annotations; /* `from __future__ import annotations`: keep them as text */
  bool no_toplevel_await;  /* eval/exec/compile text: no async statements at module level */
  Unit *u;            /* the unit being emitted */
  struct { int line; char *msg; } *warned; int nwarned; /* SyntaxWarnings already shown */
  const AstNode *genexp_node; /* a generator expression that is a call's argument... */
  AsyPos genexp_loc;          /* ...and that call's position */
  ObjStr *filename;
} Compiler;
/* clang-format on */

#define TRY(x) \
  do { \
    if (!(x)) return false; \
  } while (0)

/* ---- errors (compile.c) ---- */
/* Record a SyntaxError at node n (CPython compiler_error). Always returns false. */
bool cerror(Compiler *c, const AstNode *n, const char *fmt, ...);
/* Same at a position. */
bool cerror_at(Compiler *c, AsyPos loc, const char *fmt, ...);
/* Print a SyntaxWarning to stderr as CPython's warnings module does (once per line
   and message). */
void cwarn(Compiler *c, AsyPos loc, const char *fmt, ...);
/* Record an internal error (a bug in the compiler): always returns false. */
bool cinternal(Compiler *c, const char *what);

/* ---- emission (emit.c) ---- */
/* Append an instruction at `loc` (NO_LOC: inherit the previous position). */
void emit(Compiler *c, int op, int arg, AsyPos loc);
/* Append a jump to `label` (OP_JUMP_PSEUDO for an unconditional one). */
void emit_jump(Compiler *c, int op, int label, AsyPos loc);
/* A new unbound label. */
int new_label(Compiler *c);
/* Place `label` at the next instruction. */
void bind_label(Compiler *c, int label);
/* Start covering instructions with a handler that keeps `depth` stack items
   (CPython SETUP_FINALLY / SETUP_CLEANUP / SETUP_WITH). */
void push_handler(Compiler *c, int label, int depth, bool lasti);
/* CPython POP_BLOCK. */
void pop_handler(Compiler *c);
/* True when the next instruction would be unreachable. */
static inline bool unreachable(Compiler *c) { return c->u->depth < 0; }
/* Index of a constant (deduplicated). */
int add_const(Compiler *c, Value v);
/* Index of a name in co_names. */
int add_name(Compiler *c, const char *name);
/* LOAD_CONST of v. */
void emit_load_const(Compiler *c, Value v, AsyPos loc);
/* Stack effect of an instruction; jump selects the branch-taken effect. */
int asy_stack_effect(int op, int arg, bool jump);
/* Build the ObjCode of the current unit (consts/names/positions/exception table). */
ObjCode *assemble(Compiler *c);
/* A new, empty unit (compile.c's enter_unit links and lays it out). */
Unit *unit_new(Compiler *c, Scope *ste, UnitKind kind, const char *name, int firstline);
/* Free a unit and its buffers (the code objects it made live on in the GC heap). */
void unit_free(Unit *u);

/* ---- frame blocks (compile_stmt.c) ---- */
/* Enter a frame block whose statements run at operand-stack `depth`; false (with
   CPython's "too many statically nested blocks") past CO_MAXBLOCKS. */
bool push_fblock(Compiler *c, const AstNode *at, FBlockType t, int block, int exit,
                 const void *datum, int depth);
/* Leave the innermost frame block. */
void pop_fblock(Compiler *c);

/* ---- names, scopes, nested code (compile.c) ---- */
/* Load/store/delete a name with the opcode its scope needs (FAST/DEREF/GLOBAL/NAME). */
bool compile_nameop(Compiler *c, const char *name, AstExprContext ctx, AsyPos loc);
/* Mangle for the current unit. */
const char *cmangle(Compiler *c, const char *name);
/* The resolved scope of a (mangled) name in the current unit. */
SymScope name_scope(Compiler *c, const char *mangled);
/* def / async def (with decorators, defaults, the name store). */
bool compile_function(Compiler *c, AstNode *s);
/* lambda: pushes the function. */
bool compile_lambda(Compiler *c, AstNode *e);
/* class statement: body function + BUILD_CLASS, decorators, the name store. */
bool compile_class(Compiler *c, AstNode *s);
/* type X[T] = ... (PEP 695): a lazily evaluated typing.TypeAliasType. */
bool compile_type_alias(Compiler *c, AstNode *s);
/* list/set/dict comprehension or generator expression: pushes its result. */
bool compile_comprehension(Compiler *c, AstNode *e);
/* Statement body of a module/class/function: docstring handling is the caller's. */
bool compile_body(Compiler *c, AstSeq *body, int from);
/* The docstring of a body (first statement a str constant), or NULL. */
AstNode *body_docstring(AstSeq *body);
/* CPython 3.13's _PyCompile_CleanDoc (inspect.cleandoc-like). */
Value clean_docstring(Compiler *c, const AstNode *constant);
/* The Value of an AST constant (may raise a SyntaxError-ish error). */
bool const_value(Compiler *c, const AstNode *e, Value *out);
/* Is e the literal 9223372036854775808 (so that -e folds to INT64_MIN)? */
bool const_is_int64_min_magnitude(const AstNode *e);

/* ---- annotations (unparse.c) ---- */
/* Push an annotation's value: evaluated, or its text as CPython's ast.unparse writes it
   under `from __future__ import annotations`. */
bool compile_annotation(Compiler *c, AstNode *ann);
/* CPython's ast.unparse of an expression, as a new str. */
ObjStr *unparse_expr(Compiler *c, const AstNode *e);

/* ---- statements and expressions ---- */
/* A match statement (compile_match.c). */
bool compile_match(Compiler *c, AstNode *s);
/* One statement. */
bool compile_stmt(Compiler *c, AstNode *s);
/* One expression: pushes its value. */
bool compile_expr(Compiler *c, AstNode *e);
/* Jump to `label` when the truth of e equals `cond`, else fall through. */
bool compile_jump_if(Compiler *c, AstNode *e, int label, bool cond);
/* Store the value on top of the stack into an assignment target. */
bool compile_store(Compiler *c, AstNode *target);
/* Push a Slice's start/stop[/step] and return how many were pushed (2 or 3). */
int compile_slice_parts(Compiler *c, AstNode *slice);
/* Is e a constant expression the compiler folds (Constant, -number, tuples of them)? */
bool expr_is_const(Compiler *c, const AstNode *e);
/* The value of an expression for which expr_is_const holds. */
bool const_value_of(Compiler *c, const AstNode *e, Value *out);
/* BINARY_OP argument for an AST operator. */
int binop_arg(int op);
/* Emit the loop nest of a comprehension from generator `index` on, appending to
   the result that sits below `depth` iterators (compile_expr.c). */
bool compile_comprehension_generator(Compiler *c, AstNode *e, AstSeq *gens, int index, int depth,
                                     AstNode *elt, AstNode *val);
/* `await` of the value on the stack: GET_AWAITABLE, then CPython's SEND/YIELD_VALUE
   loop, leaving the result (compile_expr.c). */
void emit_await(Compiler *c, AsyPos loc);
/* Emit __exit__(None, None, None) as CPython's compiler_call_exit_with_nones. */
void emit_call_exit_with_nones(Compiler *c, AsyPos loc);
/* The source text of a node, as a new str. */
ObjStr *source_segment(Compiler *c, const AstNode *n);
/* Record `self.<attr> = ...` for the enclosing class's __static_attributes__. */
void note_static_attribute(Compiler *c, const AstNode *target);
/* Position of an Attribute-based instruction, start moved to the attribute's line. */
AsyPos attr_loc(const AstNode *e, AsyPos loc);

#endif
