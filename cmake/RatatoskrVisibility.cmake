# rtk_hide_static_closure(<shared library target>)
#
# libratatoskr exports only what is marked RTK_API. The static
# libraries it is made of (rtk_* modules, lwIP) are compiled by their own
# folders; this walks the shared library's link closure and compiles every
# non-imported static library in it with hidden visibility, so their
# internals stay out of libratatoskr's dynamic symbol table.
include_guard(GLOBAL)

function(rtk_hide_static_closure target)
  set(queue ${target})
  set(seen "")
  while(queue)
    list(POP_FRONT queue current)
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${current})
    get_target_property(libs ${current} LINK_LIBRARIES)
    if(NOT libs)
      continue()
    endif()
    foreach(lib IN LISTS libs)
      # One MATCHES per if(): a failing MATCHES clears CMAKE_MATCH_<n>.
      if(lib MATCHES "^\\$<LINK_LIBRARY:[^,]+,(.+)>$")
        set(lib "${CMAKE_MATCH_1}")
      endif()
      if(lib MATCHES "^\\$<LINK_ONLY:(.+)>$")
        set(lib "${CMAKE_MATCH_1}")
      endif()
      if(NOT TARGET "${lib}")
        continue()
      endif()
      get_target_property(aliased "${lib}" ALIASED_TARGET)
      if(aliased)
        set(lib "${aliased}")
      endif()
      get_target_property(imported "${lib}" IMPORTED)
      get_target_property(type "${lib}" TYPE)
      if(imported OR NOT type STREQUAL "STATIC_LIBRARY")
        continue()
      endif()
      set_target_properties("${lib}" PROPERTIES
        C_VISIBILITY_PRESET hidden
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
      list(APPEND queue "${lib}")
    endforeach()
  endwhile()
endfunction()
