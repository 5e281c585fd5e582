// tiny-chat's bytes on the wire: the text as typed, plus two control bytes
// that let both sides know every line arrived before either exits (the
// node's stack dies with the process, so TCP alone cannot promise that).
//
//   0x04 EOT  "my text ends here"            (sent at end of input)
//   0x06 ACK  "I have all of your text"      (sent on the peer's EOT)
//   0x10 DLE  "the next byte is text"        (escapes 0x04, 0x06, 0x10 in text)
//
// A side exits once it sent EOT, got the peer's EOT (and acknowledged it)
// and got the peer's ACK; then it half-closes and waits briefly for the
// peer's FIN. A plain TCP client (nc, socat) still chats: its FIN ends its
// text.
#pragma once

#include <string>
#include <string_view>

namespace tinychat {

inline constexpr char kEndOfText = 0x04;
inline constexpr char kAllReceived = 0x06;
inline constexpr char kEscape = 0x10;

// `text` with every control byte escaped.
std::string encodeText(std::string_view text);

// Decodes the peer's bytes in pieces as they arrive (a DLE may end one
// piece and its byte start the next).
class ChatDecoder {
 public:
  // Appends the text in `bytes` to `text` and records EOT and ACK. Throws
  // rtk::Error(Protocol) for text or a second EOT after the EOT, and for a
  // second ACK; the decoder is then unusable.
  void feed(std::string_view bytes, std::string& text);

  bool endOfText() const { return endOfText_; }
  bool allReceived() const { return allReceived_; }
  // An escape byte arrived without the byte it escapes.
  bool midEscape() const { return escaped_; }

 private:
  bool escaped_ = false;
  bool endOfText_ = false;
  bool allReceived_ = false;
};

}  // namespace tinychat
