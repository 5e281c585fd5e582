// Visibility of host-side classes inside libratatoskr.
//
// libratatoskr is built with hidden visibility; the facade's public API is
// marked RTK_API (sdk/include/ratatoskr/export.hpp). The runtime and config
// classes the host program (host/main.cpp) uses are exported with
// RTK_HOST_API: they are visible in the shared library so the in-tree host
// links against it, but their headers are not installed and they are not
// part of the SDK's compatibility promise.
#pragma once

#define RTK_HOST_API __attribute__((visibility("default")))
