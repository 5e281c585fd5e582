// PortPath — a sequence of Ironwood peer ports: a node's coordinates (the
// ports from the tree root down to it) or a packet's destination path.
//
// Stored inline up to kInlinePorts (tree depths are small), on the heap
// beyond, so decoding and forwarding a traffic packet allocates nothing for
// its two paths. A regular value type.
//
// Wire form (ironwood network/wire.go wireAppendPath / wireDecodePath): each
// port as a uvarint, then a uvarint 0 terminator. Port 0 is never part of a
// path: it only terminates one.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>

#include "core/util/Bytes.hpp"

namespace rtk::core::wire {

using PeerPort = std::uint64_t;

class PortPath {
 public:
  static constexpr std::size_t kInlinePorts = 8;

  PortPath() = default;
  PortPath(std::initializer_list<PeerPort> ports) { assign(ports.begin(), ports.end()); }
  template <class It>
  PortPath(It first, It last) {
    assign(first, last);
  }
  PortPath(const PortPath& other) { assign(other.begin(), other.end()); }
  PortPath(PortPath&& other) noexcept { take(other); }
  PortPath& operator=(const PortPath& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  PortPath& operator=(PortPath&& other) noexcept {
    if (this != &other) take(other);
    return *this;
  }
  ~PortPath() = default;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const PeerPort* data() const { return heap_ ? heap_.get() : inline_; }
  PeerPort* data() { return heap_ ? heap_.get() : inline_; }
  const PeerPort* begin() const { return data(); }
  const PeerPort* end() const { return data() + size_; }
  PeerPort operator[](std::size_t i) const { return data()[i]; }
  PeerPort& operator[](std::size_t i) { return data()[i]; }

  void clear() { size_ = 0; }
  void push_back(PeerPort port) {
    if (size_ == capacity_) grow(capacity_ * 2);
    data()[size_++] = port;
  }
  template <class It>
  void assign(It first, It last) {
    const auto n = static_cast<std::size_t>(std::distance(first, last));
    size_ = 0;
    if (n > capacity_) grow(n);
    std::copy(first, last, data());
    size_ = n;
  }
  void reverse() { std::reverse(data(), data() + size_); }

  friend bool operator==(const PortPath& a, const PortPath& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  void grow(std::size_t capacity) {
    auto fresh = std::make_unique<PeerPort[]>(capacity);
    std::copy(begin(), end(), fresh.get());
    heap_ = std::move(fresh);
    capacity_ = capacity;
  }
  void take(PortPath& other) noexcept {
    if (other.heap_) {
      heap_ = std::move(other.heap_);
      capacity_ = other.capacity_;
    } else {
      heap_.reset();
      capacity_ = kInlinePorts;
      std::memcpy(inline_, other.inline_, other.size_ * sizeof(PeerPort));
    }
    size_ = other.size_;
    other.size_ = 0;
    other.capacity_ = kInlinePorts;
  }

  std::size_t size_ = 0;
  std::size_t capacity_ = kInlinePorts;
  std::unique_ptr<PeerPort[]> heap_;
  PeerPort inline_[kInlinePorts] = {};
};

// Encoded size of `path` with its terminator.
std::size_t pathSize(const PortPath& path);
// Appends each port as a uvarint, then the 0 terminator.
void appendPath(Bytes& out, const PortPath& path);

}  // namespace rtk::core::wire
