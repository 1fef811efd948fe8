/* stubs.c — TEMPORARY weak definitions of the contract functions so the binary links
** while areas are being written in parallel. Real definitions override these.
** Delete this file once every area links. */
#include <stdio.h>
#include <stdlib.h>
#include "vm.h"

static void missing(const char *fn) { fprintf(stderr, "asy: %s is not implemented yet\n", fn); }

__attribute__((weak)) VM *vm_new(void) { missing("vm_new"); return NULL; }
__attribute__((weak)) void vm_free(VM *vm) { missing("vm_free");  }
__attribute__((weak)) Value asy_run_code(VM *vm, ObjCode *code, ObjDict *globals) { missing("asy_run_code"); return EXC_VAL; }
__attribute__((weak)) Value asy_call(VM *vm, Value callable, int argc, Value *args, ObjDict *kw) { missing("asy_call"); return EXC_VAL; }
__attribute__((weak)) Value asy_call_method(VM *vm, Value self, ObjStr *name, int argc, Value *args) { missing("asy_call_method"); return EXC_VAL; }
__attribute__((weak)) Value asy_call_method_opt(VM *vm, Value self, ObjStr *name, int argc, Value *args) { missing("asy_call_method_opt"); return EXC_VAL; }
__attribute__((weak)) Value asy_raise(VM *vm, ObjClass *cls, const char *fmt, ...) { missing("asy_raise"); return EXC_VAL; }
__attribute__((weak)) Value asy_raise_value(VM *vm, Value exc) { missing("asy_raise_value"); return EXC_VAL; }
__attribute__((weak)) Value asy_pending(VM *vm) { missing("asy_pending"); return EXC_VAL; }
__attribute__((weak)) void asy_clear_pending(VM *vm) { missing("asy_clear_pending");  }
__attribute__((weak)) bool asy_pending_is(VM *vm, ObjClass *cls) { missing("asy_pending_is"); return false; }
__attribute__((weak)) Value asy_new_exception(VM *vm, ObjClass *cls, int argc, Value *args) { missing("asy_new_exception"); return EXC_VAL; }
__attribute__((weak)) ObjClass *asy_class_of(VM *vm, Value v) { missing("asy_class_of"); return NULL; }
__attribute__((weak)) bool asy_isinstance(VM *vm, Value v, ObjClass *cls) { missing("asy_isinstance"); return false; }
__attribute__((weak)) bool asy_is_subclass(ObjClass *sub, ObjClass *cls) { missing("asy_is_subclass"); return false; }
__attribute__((weak)) Value asy_class_lookup(ObjClass *cls, ObjStr *name) { missing("asy_class_lookup"); return EXC_VAL; }
__attribute__((weak)) Value asy_getattr(VM *vm, Value obj, ObjStr *name) { missing("asy_getattr"); return EXC_VAL; }
__attribute__((weak)) Value asy_getattr_opt(VM *vm, Value obj, ObjStr *name) { missing("asy_getattr_opt"); return EXC_VAL; }
__attribute__((weak)) bool asy_setattr(VM *vm, Value obj, ObjStr *name, Value value) { missing("asy_setattr"); return false; }
__attribute__((weak)) bool asy_delattr(VM *vm, Value obj, ObjStr *name) { missing("asy_delattr"); return false; }
__attribute__((weak)) Value asy_binary_op(VM *vm, int op, Value a, Value b) { missing("asy_binary_op"); return EXC_VAL; }
__attribute__((weak)) Value asy_inplace_op(VM *vm, int op, Value a, Value b) { missing("asy_inplace_op"); return EXC_VAL; }
__attribute__((weak)) Value asy_unary_op(VM *vm, int op, Value a) { missing("asy_unary_op"); return EXC_VAL; }
__attribute__((weak)) Value asy_compare(VM *vm, int op, Value a, Value b) { missing("asy_compare"); return EXC_VAL; }
__attribute__((weak)) int asy_equal(VM *vm, Value a, Value b) { missing("asy_equal"); return -1; }
__attribute__((weak)) int asy_truthy(VM *vm, Value v) { missing("asy_truthy"); return -1; }
__attribute__((weak)) bool asy_hash(VM *vm, Value v, int64_t *out) { missing("asy_hash"); return false; }
__attribute__((weak)) int64_t asy_len(VM *vm, Value v) { missing("asy_len"); return -1; }
__attribute__((weak)) int asy_contains(VM *vm, Value container, Value item) { missing("asy_contains"); return -1; }
__attribute__((weak)) Value asy_getitem(VM *vm, Value container, Value key) { missing("asy_getitem"); return EXC_VAL; }
__attribute__((weak)) bool asy_setitem(VM *vm, Value container, Value key, Value value) { missing("asy_setitem"); return false; }
__attribute__((weak)) bool asy_delitem(VM *vm, Value container, Value key) { missing("asy_delitem"); return false; }
__attribute__((weak)) Value asy_iter(VM *vm, Value v) { missing("asy_iter"); return EXC_VAL; }
__attribute__((weak)) Value asy_next(VM *vm, Value iter) { missing("asy_next"); return EXC_VAL; }
__attribute__((weak)) Value asy_repr(VM *vm, Value v) { missing("asy_repr"); return EXC_VAL; }
__attribute__((weak)) Value asy_str(VM *vm, Value v) { missing("asy_str"); return EXC_VAL; }
__attribute__((weak)) Value asy_format(VM *vm, Value v, ObjStr *spec) { missing("asy_format"); return EXC_VAL; }
__attribute__((weak)) const char *asy_type_name(VM *vm, Value v) { missing("asy_type_name"); return NULL; }
__attribute__((weak)) bool asy_index(VM *vm, Value v, int64_t *out) { missing("asy_index"); return false; }
__attribute__((weak)) ObjStr *asy_str_new(VM *vm, const char *chars, size_t size) { missing("asy_str_new"); return NULL; }
__attribute__((weak)) ObjStr *asy_str_cstr(VM *vm, const char *cstr) { missing("asy_str_cstr"); return NULL; }
__attribute__((weak)) ObjStr *asy_str_intern(VM *vm, const char *chars, size_t size) { missing("asy_str_intern"); return NULL; }
__attribute__((weak)) ObjStr *asy_str_printf(VM *vm, const char *fmt, ...) { missing("asy_str_printf"); return NULL; }
__attribute__((weak)) ObjBytes *asy_bytes_new(VM *vm, const uint8_t *data, size_t size) { missing("asy_bytes_new"); return NULL; }
__attribute__((weak)) ObjTuple *asy_tuple_new(VM *vm, size_t size) { missing("asy_tuple_new"); return NULL; }
__attribute__((weak)) ObjTuple *asy_tuple_from(VM *vm, size_t size, const Value *items) { missing("asy_tuple_from"); return NULL; }
__attribute__((weak)) ObjList *asy_list_new(VM *vm, size_t capacity) { missing("asy_list_new"); return NULL; }
__attribute__((weak)) void asy_list_append(VM *vm, ObjList *list, Value v) { missing("asy_list_append");  }
__attribute__((weak)) ObjDict *asy_dict_new(VM *vm) { missing("asy_dict_new"); return NULL; }
__attribute__((weak)) Value asy_dict_get(VM *vm, ObjDict *d, Value key) { missing("asy_dict_get"); return EXC_VAL; }
__attribute__((weak)) bool asy_dict_set(VM *vm, ObjDict *d, Value key, Value value) { missing("asy_dict_set"); return false; }
__attribute__((weak)) int asy_dict_delete(VM *vm, ObjDict *d, Value key) { missing("asy_dict_delete"); return -1; }
__attribute__((weak)) Value asy_dict_get_str(ObjDict *d, ObjStr *key) { missing("asy_dict_get_str"); return EXC_VAL; }
__attribute__((weak)) void asy_dict_set_str(VM *vm, ObjDict *d, ObjStr *key, Value value) { missing("asy_dict_set_str");  }
__attribute__((weak)) ObjSet *asy_set_new(VM *vm, ObjClass *cls) { missing("asy_set_new"); return NULL; }
__attribute__((weak)) bool asy_set_add(VM *vm, ObjSet *s, Value key) { missing("asy_set_add"); return false; }
__attribute__((weak)) ObjRange *asy_range_new(VM *vm, int64_t start, int64_t stop, int64_t step) { missing("asy_range_new"); return NULL; }
__attribute__((weak)) ObjSlice *asy_slice_new(VM *vm, Value start, Value stop, Value step) { missing("asy_slice_new"); return NULL; }
__attribute__((weak)) ObjCell *asy_cell_new(VM *vm, Value v) { missing("asy_cell_new"); return NULL; }
__attribute__((weak)) ObjFunction *asy_function_new(VM *vm, ObjCode *code, ObjDict *globals) { missing("asy_function_new"); return NULL; }
__attribute__((weak)) ObjBound *asy_bound_new(VM *vm, Value self, Value func) { missing("asy_bound_new"); return NULL; }
__attribute__((weak)) ObjClass *asy_class_new(VM *vm, ObjStr *name, ObjClass *base, ObjDict *dict) { missing("asy_class_new"); return NULL; }
__attribute__((weak)) Value asy_instance_new(VM *vm, ObjClass *cls) { missing("asy_instance_new"); return EXC_VAL; }
__attribute__((weak)) ObjModule *asy_module_new(VM *vm, ObjStr *name) { missing("asy_module_new"); return NULL; }
__attribute__((weak)) ObjIter *asy_iter_new(VM *vm, IterNextFn next, Value a, Value b, Value c) { missing("asy_iter_new"); return NULL; }
__attribute__((weak)) ObjNative *asy_native_new(VM *vm, const char *name, NativeFn fn) { missing("asy_native_new"); return NULL; }
__attribute__((weak)) void asy_def_native(VM *vm, ObjDict *dict, const char *name, NativeFn fn) { missing("asy_def_native");  }
__attribute__((weak)) void asy_def_method(VM *vm, ObjClass *cls, const char *name, NativeFn fn) { missing("asy_def_method");  }
__attribute__((weak)) void asy_def_value(VM *vm, ObjDict *dict, const char *name, Value v) { missing("asy_def_value");  }
__attribute__((weak)) bool asy_args(VM *vm, const char *fname, int argc, ObjDict *kw, int min, int max) { missing("asy_args"); return false; }
__attribute__((weak)) Value asy_kwarg(VM *vm, ObjDict *kw, const char *key) { missing("asy_kwarg"); return EXC_VAL; }
__attribute__((weak)) bool asy_check_kw(VM *vm, const char *fname, ObjDict *kw, const char *const *allowed) { missing("asy_check_kw"); return false; }
__attribute__((weak)) void asy_register_native_module(VM *vm, const char *name, NativeFn init) { missing("asy_register_native_module");  }
__attribute__((weak)) Value asy_import(VM *vm, ObjStr *name) { missing("asy_import"); return EXC_VAL; }
__attribute__((weak)) AsySource *asy_source_add(VM *vm, const char *filename, const char *text, size_t size) { missing("asy_source_add"); return NULL; }
__attribute__((weak)) const char *asy_source_line(AsySource *src, int line, size_t *len) { missing("asy_source_line"); return NULL; }
__attribute__((weak)) ObjCode *asy_compile(VM *vm, AsySource *src, int mode) { missing("asy_compile"); return NULL; }
__attribute__((weak)) void asy_traceback_add(VM *vm, Value exc, ObjCode *code, int ip_index) { missing("asy_traceback_add");  }
__attribute__((weak)) void asy_print_exception(VM *vm, Value exc) { missing("asy_print_exception");  }

/* Init and GC hooks (vm.c / gc.c call these). */
__attribute__((weak)) void asy_init_object_types(VM *vm) { missing("asy_init_object_types"); }
__attribute__((weak)) void asy_init_container_types(VM *vm) { missing("asy_init_container_types"); }
__attribute__((weak)) void asy_init_str_types(VM *vm) { missing("asy_init_str_types"); }
__attribute__((weak)) void asy_init_number_types(VM *vm) { missing("asy_init_number_types"); }
__attribute__((weak)) void asy_init_exception_types(VM *vm) { missing("asy_init_exception_types"); }
__attribute__((weak)) void asy_init_builtins(VM *vm) { missing("asy_init_builtins"); }
__attribute__((weak)) void asy_strings_sweep(VM *vm) { }
__attribute__((weak)) void asy_strings_free(VM *vm) { }

/* Cross-area functions listed in docs/OWNERSHIP.md. */
__attribute__((weak)) void asy_disassemble(VM *vm, ObjCode *code, FILE *out) { missing("asy_disassemble"); }
__attribute__((weak)) int asy_handle_uncaught(VM *vm, Value exc) { missing("asy_handle_uncaught"); return 1; }
__attribute__((weak)) Value asy_exc_match(VM *vm, Value exc, Value type) { missing("asy_exc_match"); return EXC_VAL; }
__attribute__((weak)) bool asy_eg_match(VM *vm, Value eg, Value type, Value *rest, Value *match) { missing("asy_eg_match"); return false; }
__attribute__((weak)) Value asy_prep_reraise_star(VM *vm, Value orig, Value excs) { missing("asy_prep_reraise_star"); return EXC_VAL; }
__attribute__((weak)) Value asy_raise_syntax_error(VM *vm, const void *err) { missing("asy_raise_syntax_error"); return EXC_VAL; }
__attribute__((weak)) Value asy_name_error(VM *vm, ObjStr *name, ObjDict *g, ObjDict *l, ObjCode *c) { missing("asy_name_error"); return EXC_VAL; }
__attribute__((weak)) Value asy_attribute_error(VM *vm, Value obj, ObjStr *name) { missing("asy_attribute_error"); return EXC_VAL; }
__attribute__((weak)) int64_t asy_str_hash(ObjStr *s) { missing("asy_str_hash"); return 0; }
__attribute__((weak)) bool asy_str_equal(ObjStr *a, ObjStr *b) { missing("asy_str_equal"); return false; }
__attribute__((weak)) Value asy_str_repr(VM *vm, ObjStr *s) { missing("asy_str_repr"); return EXC_VAL; }
__attribute__((weak)) Value asy_str_concat(VM *vm, ObjStr *a, ObjStr *b) { missing("asy_str_concat"); return EXC_VAL; }
__attribute__((weak)) Value asy_str_getitem(VM *vm, ObjStr *s, Value key) { missing("asy_str_getitem"); return EXC_VAL; }
__attribute__((weak)) Value asy_str_compare(VM *vm, int op, ObjStr *a, ObjStr *b) { missing("asy_str_compare"); return EXC_VAL; }
__attribute__((weak)) Value asy_str_percent(VM *vm, ObjStr *fmt, Value args) { missing("asy_str_percent"); return EXC_VAL; }
__attribute__((weak)) Value asy_str_join(VM *vm, ObjStr *sep, Value it) { missing("asy_str_join"); return EXC_VAL; }
__attribute__((weak)) int asy_str_contains(ObjStr *hay, ObjStr *needle) { missing("asy_str_contains"); return -1; }
__attribute__((weak)) void asy_float_repr(double d, char buf[40]) { missing("asy_float_repr"); snprintf(buf, 40, "%.17g", d); }
__attribute__((weak)) int64_t asy_hash_int(int64_t i) { return i == -1 ? -2 : i; }
__attribute__((weak)) int64_t asy_hash_float(double d) { missing("asy_hash_float"); return 0; }
__attribute__((weak)) Value asy_int_binary(VM *vm, int op, int64_t a, int64_t b) { missing("asy_int_binary"); return EXC_VAL; }
__attribute__((weak)) Value asy_float_binary(VM *vm, int op, double a, double b) { missing("asy_float_binary"); return EXC_VAL; }
__attribute__((weak)) Value asy_number_compare(VM *vm, int op, Value a, Value b) { missing("asy_number_compare"); return EXC_VAL; }
__attribute__((weak)) Value asy_int_from_value(VM *vm, Value v, Value base) { missing("asy_int_from_value"); return EXC_VAL; }
__attribute__((weak)) Value asy_float_from_value(VM *vm, Value v) { missing("asy_float_from_value"); return EXC_VAL; }
__attribute__((weak)) Value asy_int_repr(VM *vm, int64_t i) { missing("asy_int_repr"); return EXC_VAL; }
__attribute__((weak)) Value asy_list_sort(VM *vm, ObjList *list, Value key, bool reverse) { missing("asy_list_sort"); return EXC_VAL; }
__attribute__((weak)) Value asy_list_from_iterable(VM *vm, Value it) { missing("asy_list_from_iterable"); return EXC_VAL; }
__attribute__((weak)) Value asy_tuple_from_iterable(VM *vm, Value it) { missing("asy_tuple_from_iterable"); return EXC_VAL; }
__attribute__((weak)) Value asy_object_repr(VM *vm, Value v) { missing("asy_object_repr"); return EXC_VAL; }
