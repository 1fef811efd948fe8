/*
** collections.c — the `_collections` module: deque (vm/obj/deque.c), which asyncio's
** waiter queues use and `collections` will re-export.
*/
#include "stdlib/asy_stdlib.h"
#include "vm/obj/deque.h"

Value asy_mod_collections_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  asy_deque_init(vm, AS_MODULE(args[0])->dict);
  return NONE_VAL;
}
