// Replays a libFuzzer corpus through LLVMFuzzerTestOneInput without libFuzzer:
// every file named on the command line, or every file in a named directory.
// Used by builds without RTK_FUZZ so each decoder still runs its seed inputs.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

static int runFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return 1;
}

int main(int argc, char** argv) {
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) count += runFile(e.path());
    } else if (std::filesystem::exists(p)) {
      count += runFile(p);
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "replay: no corpus inputs found\n");
    return 1;
  }
  std::printf("replay: %d inputs ran without a crash\n", count);
  return 0;
}
