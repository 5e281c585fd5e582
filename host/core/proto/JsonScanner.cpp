#include "core/proto/JsonScanner.hpp"

namespace rtk::core::proto {

namespace {
bool isDigit(std::uint8_t c) { return c >= '0' && c <= '9'; }
bool isHex(std::uint8_t c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
}  // namespace

void JsonScanner::reset() {
  state_ = State::BeginValue;
  stack_.clear();
  literal_ = nullptr;
  hexLeft_ = 0;
  started_ = false;
}

JsonScanner::Step JsonScanner::push(Frame f, State next) {
  if (stack_.size() >= kMaxDepth) return fail();
  stack_.push_back(f);
  state_ = next;
  return Step::Continue;
}

JsonScanner::Step JsonScanner::beginValue(std::uint8_t c) {
  if (isSpace(c)) return Step::Continue;
  started_ = true;
  switch (c) {
    case '{': return push(Frame::ObjectKey, State::BeginStringOrEmpty);
    case '[': return push(Frame::ArrayValue, State::BeginValueOrEmpty);
    case '"': state_ = State::InString; return Step::Continue;
    case '-': state_ = State::Neg; return Step::Continue;
    case '0': state_ = State::Zero; return Step::Continue;
    case 't': literal_ = "rue"; state_ = State::Literal; return Step::Continue;
    case 'f': literal_ = "alse"; state_ = State::Literal; return Step::Continue;
    case 'n': literal_ = "ull"; state_ = State::Literal; return Step::Continue;
    default:
      if (c >= '1' && c <= '9') {
        state_ = State::Digits;
        return Step::Continue;
      }
      return fail();
  }
}

JsonScanner::Step JsonScanner::valueDone() {
  if (stack_.empty()) {
    state_ = State::Done;
    return Step::End;
  }
  state_ = State::EndValue;
  return Step::Continue;
}

JsonScanner::Step JsonScanner::numberEnd(std::uint8_t c) {
  if (stack_.empty()) {
    // A top-level number only ends when something that cannot continue it
    // arrives; that byte belongs to whatever follows.
    state_ = State::Done;
    return Step::EndBefore;
  }
  state_ = State::EndValue;
  return endValue(c);
}

JsonScanner::Step JsonScanner::endValue(std::uint8_t c) {
  if (isSpace(c)) return Step::Continue;
  switch (stack_.back()) {
    case Frame::ObjectKey:
      if (c != ':') return fail();
      stack_.back() = Frame::ObjectValue;
      state_ = State::BeginValue;
      return Step::Continue;
    case Frame::ObjectValue:
      if (c == ',') {
        stack_.back() = Frame::ObjectKey;
        state_ = State::BeginString;
        return Step::Continue;
      }
      if (c != '}') return fail();
      stack_.pop_back();
      return valueDone();
    case Frame::ArrayValue:
      if (c == ',') {
        state_ = State::BeginValue;
        return Step::Continue;
      }
      if (c != ']') return fail();
      stack_.pop_back();
      return valueDone();
  }
  return fail();
}

JsonScanner::Step JsonScanner::feed(std::uint8_t c) {
  switch (state_) {
    case State::BeginValue:
      return beginValue(c);
    case State::BeginValueOrEmpty:
      if (isSpace(c)) return Step::Continue;
      if (c == ']') return endValue(c);
      return beginValue(c);
    case State::BeginStringOrEmpty:
      if (isSpace(c)) return Step::Continue;
      if (c == '}') {
        stack_.back() = Frame::ObjectValue;
        return endValue(c);
      }
      [[fallthrough]];
    case State::BeginString:
      if (isSpace(c)) return Step::Continue;
      if (c != '"') return fail();
      state_ = State::InString;
      return Step::Continue;
    case State::EndValue:
      return endValue(c);
    case State::InString:
      if (c == '"') return valueDone();
      if (c == '\\') {
        state_ = State::InStringEsc;
        return Step::Continue;
      }
      if (c < 0x20) return fail();
      return Step::Continue;
    case State::InStringEsc:
      switch (c) {
        case 'b': case 'f': case 'n': case 'r': case 't': case '\\': case '/': case '"':
          state_ = State::InString;
          return Step::Continue;
        case 'u':
          hexLeft_ = 4;
          state_ = State::InStringEscU;
          return Step::Continue;
        default:
          return fail();
      }
    case State::InStringEscU:
      if (!isHex(c)) return fail();
      if (--hexLeft_ == 0) state_ = State::InString;
      return Step::Continue;
    case State::Neg:
      if (c == '0') {
        state_ = State::Zero;
        return Step::Continue;
      }
      if (c >= '1' && c <= '9') {
        state_ = State::Digits;
        return Step::Continue;
      }
      return fail();
    case State::Digits:
      if (isDigit(c)) return Step::Continue;
      [[fallthrough]];
    case State::Zero:
      if (c == '.') {
        state_ = State::Dot;
        return Step::Continue;
      }
      if (c == 'e' || c == 'E') {
        state_ = State::Exp;
        return Step::Continue;
      }
      return numberEnd(c);
    case State::Dot:
      if (!isDigit(c)) return fail();
      state_ = State::DotDigits;
      return Step::Continue;
    case State::DotDigits:
      if (isDigit(c)) return Step::Continue;
      if (c == 'e' || c == 'E') {
        state_ = State::Exp;
        return Step::Continue;
      }
      return numberEnd(c);
    case State::Exp:
      if (c == '+' || c == '-') {
        state_ = State::ExpSign;
        return Step::Continue;
      }
      [[fallthrough]];
    case State::ExpSign:
      if (!isDigit(c)) return fail();
      state_ = State::ExpDigits;
      return Step::Continue;
    case State::ExpDigits:
      if (isDigit(c)) return Step::Continue;
      return numberEnd(c);
    case State::Literal:
      if (c != static_cast<std::uint8_t>(*literal_)) return fail();
      if (*++literal_ == '\0') return valueDone();
      return Step::Continue;
    case State::Done:
    case State::Failed:
      return fail();
  }
  return fail();
}

JsonScanner::Step JsonScanner::finish() {
  switch (state_) {
    case State::BeginValue:
      return started_ ? fail() : Step::Continue;
    case State::Zero:
    case State::Digits:
    case State::DotDigits:
    case State::ExpDigits:
      if (stack_.empty()) {
        state_ = State::Done;
        return Step::End;
      }
      return fail();
    case State::Done:
      return Step::End;
    default:
      return fail();
  }
}

bool JsonScanner::isValid(std::string_view text) {
  JsonScanner s;
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    auto step = s.feed(static_cast<std::uint8_t>(text[i]));
    if (step == Step::Error) return false;
    if (step == Step::End) {
      ++i;
      break;
    }
    if (step == Step::EndBefore) break;
  }
  if (s.state_ != State::Done) {
    if (s.finish() != Step::End) return false;
  }
  for (; i < text.size(); ++i)
    if (!isSpace(static_cast<std::uint8_t>(text[i]))) return false;
  return true;
}

}  // namespace rtk::core::proto
