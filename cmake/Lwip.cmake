# lwIP, built from Debian's source package with our own lwipopts.h.
#
# Debian's binary liblwip is configured for the Hurd (TCP_MSS 1460, 64 KiB
# windows, the sockets API); a userspace stack on a 64 KiB-MTU overlay needs
# its own options, so we compile lwIP ourselves. The sources are fetched once
# at configure time with `apt-get source --download-only lwip` (needs a
# deb-src line, which .ci/install-deps adds), unpacked with dpkg-source (which
# applies Debian's patches) and cached in ${PROJECT_SOURCE_DIR}/.deps/
# (git-ignored). Nothing of lwIP is ever committed.
#
# Defines:
#   rtk_lwip                 static PIC library of the lwIP core (IPv6, TCP, UDP, ICMPv6)
#   RTK_LWIP_INCLUDE_DIRS    the include directories lwIP needs: ours first
#                            (lwipopts.h, arch/cc.h, hooks), then lwIP's.
#
# Include directories are PRIVATE everywhere: only rtk_netstack (which adds
# RTK_LWIP_INCLUDE_DIRS privately) ever sees an lwIP header.
#
# Override: -DRTK_LWIP_SOURCE_DIR=/path/to/unpacked/lwip uses an existing tree
# (for offline builds) instead of fetching.

include_guard(GLOBAL)

set(RTK_LWIP_SOURCE_DIR "" CACHE PATH "An unpacked lwIP 2.1 source tree (empty: fetch Debian's source package into .deps/)")
set(_rtk_lwip_opts_dir "${PROJECT_SOURCE_DIR}/host/netstack/lwip")

function(_rtk_fetch_lwip out_dir)
  set(deps "${PROJECT_SOURCE_DIR}/.deps")
  set(final "${deps}/lwip")
  file(MAKE_DIRECTORY "${deps}")
  # Several build directories may configure the same source tree at once.
  file(LOCK "${deps}/lwip.lock" GUARD FUNCTION TIMEOUT 600
       RESULT_VARIABLE lock_result)
  if(NOT lock_result EQUAL 0)
    message(FATAL_ERROR "lwIP: could not lock ${deps}/lwip.lock: ${lock_result}")
  endif()
  if(EXISTS "${final}/src/include/lwip/init.h")
    set(${out_dir} "${final}" PARENT_SCOPE)
    return()
  endif()

  find_program(RTK_APT_GET apt-get)
  find_program(RTK_DPKG_SOURCE dpkg-source)
  if(NOT RTK_APT_GET OR NOT RTK_DPKG_SOURCE)
    message(FATAL_ERROR
      "lwIP: apt-get and dpkg-source (package dpkg-dev) are needed to fetch lwIP's "
      "source package; install dpkg-dev (see .ci/install-deps) or pass "
      "-DRTK_LWIP_SOURCE_DIR=<unpacked lwIP 2.1 tree>.")
  endif()

  set(work "${deps}/lwip-download")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}")
  message(STATUS "lwIP: fetching Debian's source package (apt-get source --download-only lwip)")
  execute_process(
    COMMAND "${RTK_APT_GET}" source --download-only lwip
    WORKING_DIRECTORY "${work}"
    RESULT_VARIABLE fetch_result
    OUTPUT_VARIABLE fetch_out
    ERROR_VARIABLE fetch_err)
  file(GLOB dsc "${work}/lwip_*.dsc")
  if(NOT fetch_result EQUAL 0 OR NOT dsc)
    message(FATAL_ERROR
      "lwIP: `apt-get source --download-only lwip` failed (exit ${fetch_result}):\n"
      "${fetch_err}\n"
      "apt needs a deb-src line for Debian bookworm main, e.g. in "
      "/etc/apt/sources.list.d/ratatoskr.sources:\n"
      "  Types: deb-src\n  URIs: http://deb.debian.org/debian\n  Suites: bookworm\n"
      "  Components: main\n  Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
      "(or the one-line form `deb-src http://deb.debian.org/debian bookworm main`), "
      "followed by `apt-get update`. .ci/install-deps adds it. "
      "Alternatively pass -DRTK_LWIP_SOURCE_DIR=<unpacked lwIP 2.1 tree>.")
  endif()
  list(GET dsc 0 dsc)
  execute_process(
    COMMAND "${RTK_DPKG_SOURCE}" --no-check -x "${dsc}" "${work}/tree"
    WORKING_DIRECTORY "${work}"
    RESULT_VARIABLE unpack_result
    OUTPUT_QUIET
    ERROR_VARIABLE unpack_err)
  if(NOT unpack_result EQUAL 0 OR NOT EXISTS "${work}/tree/src/include/lwip/init.h")
    message(FATAL_ERROR "lwIP: dpkg-source -x ${dsc} failed (exit ${unpack_result}): ${unpack_err}")
  endif()
  file(RENAME "${work}/tree" "${final}")
  file(REMOVE_RECURSE "${work}")
  set(${out_dir} "${final}" PARENT_SCOPE)
endfunction()

if(RTK_LWIP_SOURCE_DIR)
  set(_rtk_lwip_dir "${RTK_LWIP_SOURCE_DIR}")
else()
  _rtk_fetch_lwip(_rtk_lwip_dir)
endif()

# Our options were written for lwIP 2.1 (window scaling, backlog, SACK-out,
# the IPv6 route hook); refuse anything else rather than misbuild.
file(STRINGS "${_rtk_lwip_dir}/src/include/lwip/init.h" _rtk_lwip_ver
     REGEX "#define LWIP_VERSION_(MAJOR|MINOR)[ \t]+[0-9]+")
string(REGEX MATCH "MAJOR[ \t]+([0-9]+)" _m "${_rtk_lwip_ver}")
set(_rtk_lwip_major "${CMAKE_MATCH_1}")
string(REGEX MATCH "MINOR[ \t]+([0-9]+)" _m "${_rtk_lwip_ver}")
set(_rtk_lwip_minor "${CMAKE_MATCH_1}")
if(NOT _rtk_lwip_major EQUAL 2 OR NOT _rtk_lwip_minor EQUAL 1)
  message(FATAL_ERROR "lwIP: ${_rtk_lwip_dir} is lwIP ${_rtk_lwip_major}.${_rtk_lwip_minor}; ratatoskr needs 2.1.x")
endif()
message(STATUS "lwIP: ${_rtk_lwip_major}.${_rtk_lwip_minor} from ${_rtk_lwip_dir}")

set(RTK_LWIP_INCLUDE_DIRS "${_rtk_lwip_opts_dir}" "${_rtk_lwip_dir}/src/include")

set(_rtk_lwip_core def inet_chksum init ip mem memp netif pbuf stats sys tcp tcp_in tcp_out timeouts udp)
set(_rtk_lwip_ipv6 icmp6 inet6 ip6 ip6_addr ip6_frag mld6 nd6)
set(_rtk_lwip_sources "")
foreach(f IN LISTS _rtk_lwip_core)
  list(APPEND _rtk_lwip_sources "${_rtk_lwip_dir}/src/core/${f}.c")
endforeach()
foreach(f IN LISTS _rtk_lwip_ipv6)
  list(APPEND _rtk_lwip_sources "${_rtk_lwip_dir}/src/core/ipv6/${f}.c")
endforeach()

add_library(rtk_lwip STATIC ${_rtk_lwip_sources})
set_target_properties(rtk_lwip PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99 UNITY_BUILD OFF)
target_include_directories(rtk_lwip PRIVATE ${RTK_LWIP_INCLUDE_DIRS})
# Third-party code: none of our warning flags (and -Werror never applies).
target_compile_options(rtk_lwip PRIVATE -w)
