// One chat over an established TCP connection: stdin goes to the peer, the
// peer's bytes go to stdout, until both sides have finished.
#pragma once

#include <ratatoskr/cancel.hpp>
#include <ratatoskr/net.hpp>

#include <memory>

namespace tinychat {

// What runChat ended with; the values are the process's exit status.
enum class ChatEnd { Finished = 0, Failed = 1, Interrupted = 130 };

// Copies stdin to `conn` on the calling thread and `conn` to stdout on a
// thread of its own ("rtk-chat-recv"), text untouched, so each line arrives
// once and in order (TCP). End of input sends EOT (ChatCodec.hpp); the chat
// goes on until both sides have confirmed they have all of the other's
// text, then the connection is half-closed and the peer's FIN awaited (at
// most kFinGrace). `interrupt` firing (Ctrl-C) closes the connection at once.
// Errors are printed to stderr naming the peer. Returns once the receiving
// thread is joined.
ChatEnd runChat(const std::shared_ptr<rtk::Conn>& conn, const rtk::CancelToken& interrupt);

}  // namespace tinychat
