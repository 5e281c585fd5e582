// What this build calls itself in NodeInfo (buildname, buildversion,
// buildplatform, buildarch) and in the admin socket's getSelf (build_name,
// build_version).
//
// yggdrasil fills these from its linker-injected version and Go's
// runtime.GOOS / runtime.GOARCH (core/nodeinfo.go). We use the same
// vocabulary so that tools grouping nodes by platform and architecture see
// familiar values: GOOS names for the platform, GOARCH names for the
// architecture ("amd64", not "x86_64"). Decided at compile time, so a cross
// build reports its target.
#pragma once

#include "core/proto/BuildVersion.hpp"

namespace rtk::core::proto {

inline constexpr const char kBuildName[] = "ratatoskr";

inline constexpr const char kBuildPlatform[] =
#if defined(__ANDROID__)
    "android";
#elif defined(__linux__)
    "linux";
#elif defined(__APPLE__)
    "darwin";
#elif defined(__FreeBSD__)
    "freebsd";
#elif defined(__OpenBSD__)
    "openbsd";
#elif defined(__NetBSD__)
    "netbsd";
#elif defined(_WIN32)
    "windows";
#else
    "unknown";
#endif

inline constexpr const char kBuildArch[] =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#elif defined(__i386__)
    "386";
#elif defined(__arm__)
    "arm";
#elif defined(__riscv) && __riscv_xlen == 64
    "riscv64";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
    "ppc64le";
#elif defined(__powerpc64__)
    "ppc64";
#elif defined(__s390x__)
    "s390x";
#elif defined(__loongarch64)
    "loong64";
#elif defined(__mips64) && defined(__MIPSEL__)
    "mips64le";
#elif defined(__mips64)
    "mips64";
#elif defined(__mips__) && defined(__MIPSEL__)
    "mipsle";
#elif defined(__mips__)
    "mips";
#else
    "unknown";
#endif

}  // namespace rtk::core::proto
