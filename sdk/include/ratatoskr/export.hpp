// Symbol visibility for libratatoskr. The library is built with hidden
// visibility; only what carries RTK_API is part of its ABI.
#pragma once

#if defined(RTK_BUILDING_LIBRARY)
#define RTK_API __attribute__((visibility("default")))
#else
#define RTK_API __attribute__((visibility("default")))
#endif
