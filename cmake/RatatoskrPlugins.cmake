# In-tree plugins: ratatoskr_add_module() as installed with the SDK, plus what
# the tree adds through its hook:
#   - plugins/ and sigils/ modules land in RTK_BUILD_PLUGIN_DIR, so the host
#     finds them without installing, install into RTK_PLUGIN_INSTALL_DIR and
#     are built by the aggregate target rtk_all_plugins;
#   - every module gets the tree's warning flags (rtk_warnings).
# Examples and test fixtures keep their own output directories.
include_guard(GLOBAL)

set(RATATOSKR_MODULE_INSTALL_DIR "${RTK_PLUGIN_INSTALL_DIR}")
include(RatatoskrModule)

add_custom_target(rtk_all_plugins)
# Captured now: examples call project() of their own, which changes PROJECT_SOURCE_DIR.
set(RTK_TREE_ROOT "${PROJECT_SOURCE_DIR}")

function(rtk_in_tree_module_hook name)
  target_link_libraries(${name} PRIVATE rtk_warnings)
  string(FIND "${CMAKE_CURRENT_SOURCE_DIR}/" "${RTK_TREE_ROOT}/plugins/" in_plugins)
  string(FIND "${CMAKE_CURRENT_SOURCE_DIR}/" "${RTK_TREE_ROOT}/sigils/" in_sigils)
  if(in_plugins EQUAL 0 OR in_sigils EQUAL 0)
    get_target_property(dir ${name} LIBRARY_OUTPUT_DIRECTORY)
    if(NOT dir)
      set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${RTK_BUILD_PLUGIN_DIR}")
    endif()
    add_dependencies(rtk_all_plugins ${name})
  endif()
endfunction()
set(RATATOSKR_MODULE_HOOK rtk_in_tree_module_hook)
