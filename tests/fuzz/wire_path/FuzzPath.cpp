// fuzz_wire_path: uvarints, zero-terminated port paths and the frame
// splitter on arbitrary bytes.
#include <cstdlib>

#include "core/wire/Frame.hpp"
#include "core/wire/PortPath.hpp"
#include "core/wire/Uvarint.hpp"
#include "core/wire/WireReader.hpp"
#include "ratatoskr/error.hpp"

using namespace rtk::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);

  std::uint64_t value = 0;
  const int n = wire::decodeUvarint(in, value);
  if (n > static_cast<int>(wire::kMaxUvarintBytes) || n < -static_cast<int>(wire::kMaxUvarintBytes + 1)) std::abort();
  if (n > 0) {
    Bytes again;
    wire::appendUvarint(again, value);
    std::uint64_t back = 0;
    if (wire::decodeUvarint(again, back) != static_cast<int>(again.size()) || back != value) std::abort();
    if (again.size() > static_cast<std::size_t>(n)) std::abort();  // the minimal form is never longer
  }

  wire::WireReader reader(in);
  wire::PortPath path;
  if (reader.chopPath(path)) {
    Bytes again;
    wire::appendPath(again, path);
    if (again.size() != wire::pathSize(path)) std::abort();
    wire::WireReader r2(again);
    wire::PortPath back;
    if (!r2.chopPath(back) || !(back == path) || !r2.empty()) std::abort();
    for (auto port : path)
      if (port == 0) std::abort();
  } else if (reader.remaining() != size || !path.empty()) {
    std::abort();
  }

  // Feed the stream in uneven pieces; frames must come out whole.
  wire::FrameSplitter splitter(4096);
  try {
    std::size_t pos = 0, step = 1;
    while (pos < size) {
      const std::size_t take = std::min(step, size - pos);
      splitter.feed(in.subspan(pos, take));
      pos += take;
      step = step * 3 % 17 + 1;
      while (auto frame = splitter.next())
        if (frame->size() > 4096) std::abort();
    }
  } catch (const rtk::Error& e) {
    if (e.code() != rtk::Errc::Protocol) std::abort();
  }
  return 0;
}
