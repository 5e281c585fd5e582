// TlsModuleLoader — opens the TLS module and makes the node's TlsProvider.
//
// Where the module is looked for, in order:
//   1. the ratatoskr/ folder beside the object holding this code
//      (libratatoskr.so, or the program it is linked into), where the
//      install puts it (<libdir>/ratatoskr/, with the plugins' folder), then
//      that object's own folder, where the build tree has it;
//   2. the dynamic loader's search path (this object's RUNPATH, which the
//      build tree's binaries get for the module's build folder;
//      LD_LIBRARY_PATH; the system's library folders).
// A file name with a slash is opened as it is.
//
// The module is never unloaded: OpenSSL keeps process-wide state (error
// strings, BIO methods, atexit handlers) that must outlive every link.
//
// Thread-safety: callable from any thread (dlopen is); LazyTlsProvider makes
// sure a node calls it once.
#pragma once

#include <memory>
#include <string>

#include "core/crypto/Ed25519.hpp"
#include "core/link/TlsProvider.hpp"

namespace rtk::core::link {

// The module's file name for this build (libratatoskr-tls-<version>.so).
extern const char* const kTlsModuleFile;

// Throws rtk::Error(Errc::NotSupported) naming every place tried when the
// module cannot be opened, Errc::Abi when it lacks the entry, and Errc::Io
// with OpenSSL's reason when the provider cannot be made.
std::unique_ptr<const TlsProvider> loadTlsProvider(const crypto::SigningKey& key,
                                                   const std::string& moduleFile = kTlsModuleFile);

}  // namespace rtk::core::link
