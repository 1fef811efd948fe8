# Fail the build if a project header is included without its folder, or if the core
# (lang/, vm/) includes a stdlib/ header. The compiler alone would not catch either: a
# quoted include is looked up in the including file's own folder first, and the project
# root, which every target has on its include path, reaches stdlib/ too.
#
# usage: cmake -DROOT=<repo> -DSTAMP=<file written on success> -P tools/check_includes.cmake
file(GLOB core_files ${ROOT}/lang/*.[chy] ${ROOT}/lang/*.re ${ROOT}/vm/*.[ch] ${ROOT}/vm/obj/*.[ch])
file(GLOB other_files ${ROOT}/stdlib/*.[ch] ${ROOT}/main.c ${ROOT}/tests/unit/*.c ${ROOT}/tools/*.c)
set(problems "")
foreach(f ${core_files} ${other_files})
  file(STRINGS ${f} short REGEX "^#include \"[^/\"]+\"")
  list(FILTER short EXCLUDE REGEX "\"grammar\\.h\"") # generated, in the build tree
  foreach(line ${short})
    string(APPEND problems "  ${f}: ${line} (name the folder: \"vm/...\", \"vm/obj/...\", \"lang/...\", \"stdlib/...\")\n")
  endforeach()
endforeach()
foreach(f ${core_files})
  file(STRINGS ${f} up REGEX "^#include \"stdlib/")
  foreach(line ${up})
    string(APPEND problems "  ${f}: ${line} (the core must not see the stdlib layer)\n")
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "include check failed:\n${problems}")
endif()
file(TOUCH ${STAMP})
