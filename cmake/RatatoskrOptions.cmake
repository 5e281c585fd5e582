# Build switches shared by every target in the tree.
option(RTK_BUILD_TESTS "Build the CppUnit suites, fixtures and interop tests" ON)
option(RTK_BUILD_EXAMPLES "Build examples/ in tree (a compile check; tests build the plugin examples out of tree)" ON)
option(RTK_WERROR "Treat compiler warnings as errors (CI turns this on)" OFF)
set(RTK_SANITIZE "" CACHE STRING "Sanitizers to build with: '', 'address,undefined' or 'thread'")
option(RTK_FUZZ "Build libFuzzer targets (needs clang)" OFF)
# Precompiled CppUnit + Poco::JSON headers for test suites of 3+ files: about
# half the CPU time of a test file at -O2. Off by default because ccache does
# not cache PCH users without extra sloppiness settings; CI (scripts/test),
# which has no ccache, turns it on.
option(RTK_PCH "Precompile heavy headers in test suites (CI)" OFF)
# Compile a few sources per compiler run: CI builds the tree twice from
# nothing, and most of each file's time goes to the same Poco, CppUnit and
# standard headers. Sources must therefore not share file-local names
# (anonymous namespaces) within a target. lwIP (third party) is never merged.
option(RTK_UNITY "Unity (jumbo) builds of our own targets (CI)" OFF)
if(RTK_UNITY)
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
  # A merged source is an #include to g++, so a lambda capturing a type from
  # that file's anonymous namespace looks like a header defect; it is not.
  add_compile_options($<$<COMPILE_LANG_AND_ID:CXX,GNU>:-Wno-subobject-linkage>)
endif()

# Warnings for our own code only: third-party sources (lwIP) get their own flags.
add_library(rtk_warnings INTERFACE)
target_compile_options(rtk_warnings INTERFACE
  -Wall -Wextra -Wno-missing-field-initializers
  $<$<COMPILE_LANG_AND_ID:CXX,GNU>:-Wshadow=local -Wnon-virtual-dtor>
  $<$<COMPILE_LANG_AND_ID:CXX,Clang>:-Wnon-virtual-dtor>
  $<$<BOOL:${RTK_WERROR}>:-Werror>)

if(RTK_SANITIZE)
  add_compile_options(-fsanitize=${RTK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${RTK_SANITIZE})
endif()

if(RTK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "RTK_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  # Every object is instrumented for coverage; only fuzz executables link the libFuzzer main.
  # This one clang build is also CI's sanitizer build: the unit suites run in it too.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# clang links the sanitizer runtimes into executables only, so a shared
# object's __asan_*/__ubsan_* references stay undefined until an executable
# loads it: -z defs (libratatoskr.so, RatatoskrModule.cmake, test fixtures)
# cannot hold there.
if((RTK_SANITIZE OR RTK_FUZZ) AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(RATATOSKR_MODULE_ALLOW_UNDEFINED ON)
endif()

# Aggregate targets per test label: rtk_tests_unit, rtk_tests_interop,
# rtk_tests_fuzz build exactly what `ctest -L <label>` runs (CI's sanitizer
# build builds only rtk_tests_unit and rtk_tests_fuzz).
function(rtk_register_test_target target)
  foreach(label IN LISTS ARGN)
    if(NOT TARGET rtk_tests_${label})
      add_custom_target(rtk_tests_${label})
    endif()
    add_dependencies(rtk_tests_${label} ${target})
  endforeach()
endfunction()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

# rtk_add_test(NAME <suite> LABELS <unit|interop|fuzz> SOURCES ... LIBS ...)
# One CppUnit executable per suite, one ctest entry per suite.
function(rtk_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "LABELS;SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE rtk_testmain ${T_LIBS} rtk_warnings)
  # CppUnit names its registrars after __LINE__; two suites merged into one
  # unity source may register on the same line.
  target_compile_definitions(${T_NAME} PRIVATE CPPUNIT_UNIQUE_COUNTER=__COUNTER__)
  list(LENGTH T_SOURCES count)
  if(RTK_PCH AND count GREATER 2)
    target_precompile_headers(${T_NAME} PRIVATE <cppunit/extensions/HelperMacros.h> <ratatoskr/json.hpp>)
    # g++ 12 inlines std::string differently with the PCH and then reports
    # its known false positives (GCC PR 105329 family) in test code.
    target_compile_options(${T_NAME} PRIVATE
      $<$<CXX_COMPILER_ID:GNU>:-Wno-array-bounds -Wno-stringop-overflow -Wno-restrict>)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
  rtk_register_test_target(${T_NAME} ${T_LABELS})
endfunction()

# rtk_add_fuzzer(NAME <target> SOURCES ... LIBS ... [CORPUS dir])
# With RTK_FUZZ a libFuzzer binary plus a bounded ctest run (label "fuzz");
# otherwise a replay binary that runs the corpus once (label "unit"), so every
# build exercises the decoder on its seed inputs.
function(rtk_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS" ${ARGN})
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS} rtk_warnings)
  if(NOT F_CORPUS)
    set(F_CORPUS "${CMAKE_CURRENT_SOURCE_DIR}/corpus/${F_NAME}")
  endif()
  if(RTK_FUZZ)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
    set(RTK_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs under ctest")
    # New inputs go to the build tree (the first corpus directory), never
    # into the committed seeds; crash reproducers land next to them.
    set(work "${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}-work")
    file(MAKE_DIRECTORY "${work}/corpus")
    add_test(NAME ${F_NAME}
             COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                     $<TARGET_FILE:${F_NAME}> -max_total_time=${RTK_FUZZ_SECONDS}
                     -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
                     -artifact_prefix=${work}/ ${work}/corpus ${F_CORPUS}
             WORKING_DIRECTORY "${work}")
    set_tests_properties(${F_NAME} PROPERTIES LABELS "fuzz" TIMEOUT 600)
    rtk_register_test_target(${F_NAME} fuzz)
  else()
    target_sources(${F_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz/ReplayMain.cpp)
    add_test(NAME ${F_NAME}_replay COMMAND ${F_NAME} ${F_CORPUS})
    set_tests_properties(${F_NAME}_replay PROPERTIES LABELS "unit" TIMEOUT 120)
    rtk_register_test_target(${F_NAME} unit)
  endif()
endfunction()
