# ratatoskr_add_module(<name> <source>... [LIBRARIES <lib>...]
#                      [OUTPUT_DIRECTORY <dir>] [INSTALL_DESTINATION <dir>] [NO_INSTALL])
#
# Builds a ratatoskr plugin (component or sigil): a MODULE library named
# <name>.so (no "lib" prefix) that links only the header-only ratatoskr::sdk
# and whatever LIBRARIES you add. Like the host expects:
#   - hidden symbol visibility and a version script: rtk_plugin_entry is the
#     only dynamic symbol,
#   - -Wl,-z,defs: an unresolved symbol fails the build, not the host's dlopen,
#   - -Wl,-z,now: everything is bound at load time.
# Installed (unless NO_INSTALL) into INSTALL_DESTINATION, default
# ${RATATOSKR_MODULE_INSTALL_DIR} (lib/ratatoskr/plugins under your prefix).
# To install where an installed host looks, use
#   INSTALL_DESTINATION ${RATATOSKR_PLUGIN_DIR}
#
# Installed with the SDK (find_package(ratatoskr) includes it) and used by
# the ratatoskr tree itself for its in-tree plugins.
include_guard(GLOBAL)
include(GNUInstallDirs)

if(NOT DEFINED RATATOSKR_MODULE_INSTALL_DIR)
  set(RATATOSKR_MODULE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/ratatoskr/plugins")
endif()

function(ratatoskr_add_module name)
  cmake_parse_arguments(PARSE_ARGV 1 M "NO_INSTALL" "OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES;LIBRARIES")
  set(sources ${M_SOURCES} ${M_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "ratatoskr_add_module(${name}): no source files given")
  endif()
  add_library(${name} MODULE ${sources})
  target_link_libraries(${name} PRIVATE ratatoskr::sdk ${M_LIBRARIES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(RATATOSKR_MODULE_ALLOW_UNDEFINED)
    # Sanitizer builds with clang: the runtime is in the executable (see RatatoskrOptions.cmake).
    target_link_options(${name} PRIVATE "LINKER:-z,now")
  else()
    target_link_options(${name} PRIVATE "LINKER:-z,defs" "LINKER:-z,now")
  endif()
  # Hidden visibility still exports libstdc++ template instantiations (the
  # std namespace is declared visible); the version script leaves exactly
  # the entry point in the dynamic symbol table.
  set(map "${CMAKE_BINARY_DIR}/ratatoskr_module.map")
  if(NOT EXISTS "${map}")
    file(WRITE "${map}" "{\n  global: rtk_plugin_entry;\n  local: *;\n};\n")
  endif()
  target_link_options(${name} PRIVATE "LINKER:--version-script=${map}")
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${map}")

  if(M_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${M_OUTPUT_DIRECTORY}")
  elseif(DEFINED RATATOSKR_MODULE_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${RATATOSKR_MODULE_OUTPUT_DIRECTORY}")
  endif()

  if(NOT M_NO_INSTALL)
    set(destination "${RATATOSKR_MODULE_INSTALL_DIR}")
    if(M_INSTALL_DESTINATION)
      set(destination "${M_INSTALL_DESTINATION}")
    endif()
    install(TARGETS ${name} LIBRARY DESTINATION "${destination}" COMPONENT plugins)
  endif()

  # The ratatoskr tree adds its warning flags and its aggregate target here.
  if(DEFINED RATATOSKR_MODULE_HOOK)
    cmake_language(CALL ${RATATOSKR_MODULE_HOOK} ${name})
  endif()
endfunction()
