#include "ChatSession.hpp"

#include "ChatCodec.hpp"

#include <ratatoskr/thread.hpp>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

namespace tinychat {

namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// How long a finished side waits for the peer's FIN before leaving anyway
// (both already know every line arrived; this only lets the FINs cross).
constexpr std::chrono::seconds kFinGrace{5};

// An eventfd shared with the callbacks that wake the chat loop; shared so a
// callback still running after the loop ended never writes to a closed fd.
class Wakeup {
 public:
  Wakeup() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw rtk::Error(rtk::Errc::Io, std::string("eventfd: ") + std::strerror(errno));
  }
  ~Wakeup() { ::close(fd_); }
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;
  int fd() const { return fd_; }
  void wake() { (void)::eventfd_write(fd_, 1); }
  void drain() {
    eventfd_t ignored;
    (void)::eventfd_read(fd_, &ignored);
  }

 private:
  int fd_;
};

bool writeAllToStdout(const std::string& text) {
  const char* data = text.data();
  std::size_t size = text.size();
  while (size > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// The receiving half: the peer's text to stdout until its FIN; what it has
// seen is read by the chat loop under the mutex.
class Receiver {
 public:
  struct State {
    bool endOfText = false;    // the peer's EOT (or a FIN before it)
    bool allReceived = false;  // the peer's ACK of our text
    bool ended = false;        // the thread is done: FIN, error or timeout
    bool finBeforeEot = false; // a plain TCP client ended without EOT
    rtk::Errc errorCode = rtk::Errc::Unknown;
    std::string error;         // empty: ended by the peer's FIN
  };

  void run(rtk::Conn& conn, Wakeup& wakeup) {
    std::vector<char> buf(kChunkBytes);
    ChatDecoder decoder;
    std::string text;
    try {
      for (;;) {
        const std::size_t n = conn.read(buf.data(), buf.size());
        if (n == 0) {
          std::lock_guard lock(mutex_);
          state_.finBeforeEot = !decoder.endOfText();
          state_.endOfText = true;
          break;
        }
        text.clear();
        decoder.feed(std::string_view(buf.data(), n), text);
        if (!writeAllToStdout(text)) throw rtk::Error(rtk::Errc::Io, std::string("stdout: ") + std::strerror(errno));
        std::lock_guard lock(mutex_);
        if (decoder.endOfText() != state_.endOfText || decoder.allReceived() != state_.allReceived) {
          state_.endOfText = decoder.endOfText();
          state_.allReceived = decoder.allReceived();
          wakeup.wake();
        }
      }
    } catch (const rtk::Error& e) {
      std::lock_guard lock(mutex_);
      state_.errorCode = e.code();
      state_.error = e.what();
    }
    {
      std::lock_guard lock(mutex_);
      state_.ended = true;
    }
    wakeup.wake();
  }

  State state() {
    std::lock_guard lock(mutex_);
    return state_;
  }

 private:
  std::mutex mutex_;
  State state_;
};

}  // namespace

ChatEnd runChat(const std::shared_ptr<rtk::Conn>& conn, const rtk::CancelToken& interrupt) {
  const std::string peer = rtk::formatEndpoint(conn->remoteEndpoint());
  auto wakeup = std::make_shared<Wakeup>();
  const auto onInterrupt = interrupt.onCancel([conn, wakeup] {
    conn->close();
    wakeup->wake();
  });

  Receiver receiver;
  rtk::Thread receiving("rtk-chat-recv", [&] { receiver.run(*conn, *wakeup); });

  bool stdinDone = false, ackSent = false, finSent = false, peerReported = false, finished = false;
  std::string failure;
  std::vector<char> buf(kChunkBytes);
  while (!interrupt.cancelled() && failure.empty() && !finished) {
    try {
      const Receiver::State seen = receiver.state();
      if (seen.endOfText && !peerReported) {
        peerReported = true;
        if (!stdinDone) std::cerr << "tiny-chat: " << peer << " has finished; end your input (Ctrl-D) to leave\n";
      }
      if (seen.endOfText && !seen.finBeforeEot && !ackSent) {
        const char ack = kAllReceived;
        conn->write(&ack, 1);
        ackSent = true;
      }
      // Both sides have all of the other's text (a plain client: it left).
      const bool confirmed = stdinDone && (seen.finBeforeEot || (ackSent && seen.allReceived));
      if (confirmed && !finSent) {
        if (!seen.ended) {
          conn->closeWrite();
          conn->setReadDeadline(rtk::Clock::now() + kFinGrace);
        }
        finSent = true;
      }
      if (seen.ended) {
        const bool graceOver = seen.errorCode == rtk::Errc::Timeout;
        if (finSent && (seen.error.empty() || graceOver)) {
          finished = true;
          break;
        }
        if (!seen.error.empty()) {
          failure = seen.error;
          break;
        }
        if (!seen.finBeforeEot) {
          failure = "the connection ended before both sides confirmed the chat";
          break;
        }
      }
      pollfd fds[2] = {{wakeup->fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
      const nfds_t count = stdinDone ? 1 : 2;
      if (::poll(fds, count, -1) < 0) {
        if (errno == EINTR) continue;
        failure = std::string("poll: ") + std::strerror(errno);
        break;
      }
      if (fds[0].revents) wakeup->drain();
      if (count < 2 || !fds[1].revents) continue;
      const ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        failure = std::string("stdin: ") + std::strerror(errno);
      } else if (n > 0) {
        const std::string wire = encodeText(std::string_view(buf.data(), static_cast<std::size_t>(n)));
        conn->write(wire.data(), wire.size());
      } else {
        stdinDone = true;
        if (!receiver.state().finBeforeEot) {
          const char eot = kEndOfText;
          conn->write(&eot, 1);
        }
      }
    } catch (const rtk::Error& e) {
      failure = e.what();
    }
  }

  conn->close();  // unblocks the receiver when we leave early
  receiving.join();
  if (interrupt.cancelled()) {
    std::cerr << "tiny-chat: interrupted, chat with " << peer << " closed\n";
    return ChatEnd::Interrupted;
  }
  if (!finished) {
    std::cerr << "tiny-chat: chat with " << peer << " failed: " << failure << "\n";
    return ChatEnd::Failed;
  }
  std::cerr << "tiny-chat: chat with " << peer << " finished\n";
  return ChatEnd::Finished;
}

}  // namespace tinychat
