// A logger for an in-process node of an interop test: every line goes to
// a file in the node's lab folder (appended, flushed per line), as
// "<steady ms> <level> <subsystem>: <message>".
// Thread-safety: the returned logger may be used from any thread; the file
// stays open as long as the logger (or a copy of its sink) lives.
#pragma once

#include <ratatoskr/log.hpp>

#include <filesystem>
#include <memory>

namespace rtk::interop {

std::shared_ptr<rtk::Logger> fileLogger(const std::filesystem::path& file);

}  // namespace rtk::interop
