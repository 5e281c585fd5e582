# Every dependency comes from Debian's packages (see .ci/install-deps).
find_package(Threads REQUIRED)
find_package(Poco 1.11 REQUIRED COMPONENTS Foundation Util Net NetSSL Crypto JSON)
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
# DNS messages of the socks plugin's resolver (plugins/socks/resolver).
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares>=1.18)
if(RTK_BUILD_TESTS)
  pkg_check_modules(CPPUNIT REQUIRED IMPORTED_TARGET cppunit>=1.15)
endif()
