# Debian packages with CPack (scripts/package runs it): three packages from
# the install components (RatatoskrPackaging.cmake, packaging/CMakeLists.txt):
#   ratatoskr              the host (Unspecified), in-tree plugins and sigils
#                          (plugins), the systemd unit and docs (service);
#                          postinst generates /etc/ratatoskr/ratatoskr.conf
#   libratatoskr<so>       libratatoskr.so.<so> (runtime)
#   ratatoskr-dev          headers, CMake package, pkg-config files, the
#                          library's namelink (sdk, library-dev)
# Dependencies on Debian's Poco, libsodium and OpenSSL come from
# dpkg-shlibdeps (CPACK_DEBIAN_PACKAGE_SHLIBDEPS).
include_guard(GLOBAL)

set(RTK_SO_VERSION "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}")
set(RTK_LIB_PACKAGE "libratatoskr${RTK_SO_VERSION}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ratatoskr)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${RTK_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "embeddable Yggdrasil node with a userspace TCP/UDP stack")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENTS_ALL Unspecified plugins service runtime sdk library-dev)
set(CPACK_COMPONENT_UNSPECIFIED_GROUP host)
set(CPACK_COMPONENT_PLUGINS_GROUP host)
set(CPACK_COMPONENT_SERVICE_GROUP host)
set(CPACK_COMPONENT_RUNTIME_GROUP library)
set(CPACK_COMPONENT_SDK_GROUP dev)
set(CPACK_COMPONENT_LIBRARY-DEV_GROUP dev)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libratatoskr is built here, not installed: dpkg-shlibdeps finds it in the build tree.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/host/facade")

set(CPACK_DEBIAN_HOST_PACKAGE_NAME ratatoskr)
set(CPACK_DEBIAN_HOST_PACKAGE_DEPENDS "${RTK_LIB_PACKAGE} (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_HOST_DESCRIPTION "Yggdrasil 0.5 node with a userspace TCP/UDP stack and plugins
 ratatoskr runs a Yggdrasil 0.5 node (the real wire protocol, no TUN device,
 no root) from /etc/ratatoskr/ratatoskr.conf and loads plugins through a
 versioned C ABI. This package holds the host program, its plugins (among
 them a Prometheus metrics endpoint) and a hardened systemd unit.")
set(CPACK_DEBIAN_HOST_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/prerm;${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
set(CPACK_DEBIAN_HOST_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_LIBRARY_PACKAGE_NAME ${RTK_LIB_PACKAGE})
set(CPACK_DEBIAN_LIBRARY_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIBRARY_DESCRIPTION "embeddable Yggdrasil 0.5 node (shared library)
 libratatoskr embeds a Yggdrasil 0.5 node in a C++ application: dial, listen
 and listenPacket on the Yggdrasil network through a userspace TCP/UDP stack.")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # a shlibs file for the library (lintian no-shlibs)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_LIBRARY_PACKAGE_CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/packaging/debian/triggers")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME ratatoskr-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${RTK_LIB_PACKAGE} (= ${PROJECT_VERSION}), libpoco-dev (>= 1.11)")
set(CPACK_DEBIAN_DEV_DESCRIPTION "ratatoskr SDK: plugin ABI, C++ API headers, CMake and pkg-config files
 Headers of the ratatoskr plugin ABI and C++ API, the CMake package
 (find_package(ratatoskr), ratatoskr_add_module) and pkg-config files
 (ratatoskr-sdk, ratatoskr) to build plugins and applications.")

include(CPack)
