# Install and package rules of the ratatoskr tree, included by the top-level
# CMakeLists.txt after every target is defined.
#
# Components:
#   sdk       headers, ratatoskr::sdk, ratatoskrConfig*.cmake,
#             RatatoskrModule.cmake, ratatoskr-sdk.pc
#   runtime   libratatoskr.so.<major>.<minor>
#   library-dev  its namelink, ratatoskr::ratatoskr, ratatoskr.pc
#   plugins   in-tree plugins and sigils (into RTK_PLUGIN_INSTALL_DIR)
#   (unnamed) the host program
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)
include(RatatoskrVisibility)

set(RTK_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ratatoskr")

# The ABI version, read from the header so there is one source of truth.
file(STRINGS "${PROJECT_SOURCE_DIR}/sdk/include/ratatoskr/abi.h" _rtk_abi REGEX "^#define RTK_ABI_(MAJOR|MINOR) ")
string(REGEX REPLACE ".*RTK_ABI_MAJOR ([0-9]+).*" "\\1" RTK_ABI_MAJOR "${_rtk_abi}")
string(REGEX REPLACE ".*RTK_ABI_MINOR ([0-9]+).*" "\\1" RTK_ABI_MINOR "${_rtk_abi}")

install(EXPORT ratatoskrSdkTargets
        NAMESPACE ratatoskr::
        DESTINATION ${RTK_CMAKE_INSTALL_DIR}
        COMPONENT sdk)

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/ratatoskrConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/ratatoskrConfig.cmake
  INSTALL_DESTINATION ${RTK_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR RTK_PLUGIN_INSTALL_DIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/ratatoskrConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
          ${PROJECT_BINARY_DIR}/cmake/ratatoskrConfig.cmake
          ${PROJECT_BINARY_DIR}/cmake/ratatoskrConfigVersion.cmake
          ${PROJECT_SOURCE_DIR}/cmake/RatatoskrModule.cmake
        DESTINATION ${RTK_CMAKE_INSTALL_DIR}
        COMPONENT sdk)

# pkg-config files are relocatable: the prefix is found from where the .pc
# file is (so `cmake --install --prefix <anywhere>` works).
file(RELATIVE_PATH RTK_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
set(RTK_PC_PREFIX "\${pcfiledir}/${RTK_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/ratatoskr-sdk.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/ratatoskr-sdk.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/ratatoskr-sdk.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT sdk)

if(TARGET ratatoskr)
  rtk_hide_static_closure(ratatoskr)
  install(EXPORT ratatoskrTargets
          NAMESPACE ratatoskr::
          DESTINATION ${RTK_CMAKE_INSTALL_DIR}
          COMPONENT library-dev)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/ratatoskr.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/ratatoskr.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/ratatoskr.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
          COMPONENT library-dev)
endif()

foreach(program ratatoskr-host ratatoskr-stack)
  if(TARGET ${program})
    # The installed programs find libratatoskr next to them: <prefix>/bin/../lib.
    set_target_properties(${program} PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
  endif()
endforeach()
