# rtk_expose_headers(<target> [FILES <header>...])
#
# Makes a host module's headers visible to exactly the targets that link
# <target>, so the build enforces the layers of docs/ARCHITECTURE.md.
#
# Sources include host headers by their path under host/
# ("core/router/Router.hpp"). No target gets host/ itself as an include
# directory; instead each module gets an include root of its own in the build
# tree holding one symlink to its folder:
#
#   ${CMAKE_BINARY_DIR}/include-roots/rtk_router/core/router -> host/core/router
#
# given to <target> as its PUBLIC (INTERFACE for interface libraries)
# include directory. "core/router/Router.hpp" thus resolves in rtk_router and
# in whatever links it, and nowhere else. Link a dependency PRIVATE when only
# your sources use it, PUBLIC when your headers include its headers.
#
# FILES exposes single headers of the current folder instead of all of it:
# the cross-layer contracts (an interface target per contract, so the layer
# implementing a contract sees that header and nothing else of the folder).
include_guard(GLOBAL)

set(RTK_INCLUDE_ROOTS "${CMAKE_BINARY_DIR}/include-roots")

function(rtk_expose_headers target)
  cmake_parse_arguments(PARSE_ARGV 1 H "" "" "FILES")
  file(RELATIVE_PATH folder "${PROJECT_SOURCE_DIR}/host" "${CMAKE_CURRENT_SOURCE_DIR}")
  if(folder MATCHES "^\\.\\.")
    message(FATAL_ERROR "rtk_expose_headers(${target}): ${CMAKE_CURRENT_SOURCE_DIR} is not under host/")
  endif()
  set(root "${RTK_INCLUDE_ROOTS}/${target}")
  # Rebuilt at every configure, so a removed header or folder leaves no link behind.
  file(REMOVE_RECURSE "${root}")
  if(H_FILES)
    file(MAKE_DIRECTORY "${root}/${folder}")
    foreach(header IN LISTS H_FILES)
      if(NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${header}")
        message(FATAL_ERROR "rtk_expose_headers(${target}): no ${folder}/${header}")
      endif()
      file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}/${header}" "${root}/${folder}/${header}" SYMBOLIC)
    endforeach()
  else()
    get_filename_component(parent "${root}/${folder}" DIRECTORY)
    file(MAKE_DIRECTORY "${parent}")
    file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}" "${root}/${folder}" SYMBOLIC)
  endif()

  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE "$<BUILD_INTERFACE:${root}>")
  else()
    target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${root}>")
  endif()
endfunction()
