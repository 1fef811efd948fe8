/*
** complex.h — Python's complex numbers.
**
** A complex is an ObjNativeData of class vm->types.complex whose payload is two doubles
** (re, im): the collector frees native payloads already, so no new object layout is
** needed. Like deque, the class is not a C-layout built-in for the object protocol: its
** operators, repr and hash are natives in its dict (installed by asy_complex_init),
** reached as methods are, so int + complex goes int's slot, NotImplemented, then
** complex.__radd__, exactly CPython's order. The arithmetic follows CPython 3.13 (ints
** and floats become complex with a zero imaginary part first; Smith's division; integral
** powers by repeated squaring), and so do repr and hash.
*/
#ifndef ASY_COMPLEX_H
#define ASY_COMPLEX_H

#include "vm/vm.h"

/* A new complex re + im*j. */
Value asy_complex_new(VM *vm, double re, double im);
/* True if v is a complex (or an instance of a subclass). */
bool asy_is_complex(VM *vm, Value v);
/* The parts of a complex v (asy_is_complex(v) must hold). */
void asy_complex_parts(Value v, double *re, double *im);
/* x ** y for complex operands, CPython's complex_pow (integral exponents up to 100 by
** repeated squaring); EXC_VAL with ZeroDivisionError/OverflowError as CPython. */
Value asy_complex_pow(VM *vm, double xr, double xi, double yr, double yi);
/* Install the complex class's methods and put `complex` into builtins. */
void asy_complex_init(VM *vm, ObjDict *builtins);

#endif
