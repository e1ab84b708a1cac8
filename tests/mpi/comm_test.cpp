// Comm against the real MPI library on a one-process world (an MPI
// singleton): messages to ourselves go through the same MPI calls as those to
// a peer, and every collective must work on one rank.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caios2dfs/mpi/comm.hpp"

namespace {

using caios::Comm;
using caios::Message;

/// Poll as a real rank does (receive, progress) until a message arrives or
/// `seconds` pass; a message to self arrives at once, the bound only keeps a
/// broken build from hanging the test run.
std::optional<Message> receive_within(Comm& comm, double seconds = 10) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::optional<Message> message = comm.try_receive()) return message;
    comm.progress();
  }
  return std::nullopt;
}

/// Call progress() until every send is known to be delivered, or `seconds` pass.
void progress_until_sent(Comm& comm, double seconds = 10) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (comm.pending_sends() > 0 && std::chrono::steady_clock::now() < deadline) comm.progress();
}

/// Bytes no string function would survive: NULs, high bytes.
std::string binary_payload(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + 7) % 256);
  return bytes;
}

}  // namespace

TEST_CASE("Comm: a one-process world has rank 0 and size 1", "[comm]") {
  Comm world;
  CHECK(world.rank() == 0);
  CHECK(world.size() == 1);
  CHECK(world.pending_sends() == 0);
  Comm self(MPI_COMM_SELF);
  CHECK(self.rank() == 0);
  CHECK(self.size() == 1);
}

TEST_CASE("Comm: a message to self arrives with its payload, tag and source", "[comm][messages]") {
  Comm comm;
  CHECK_FALSE(comm.try_receive().has_value());

  comm.send(0, 7, "hello");
  const std::optional<Message> message = receive_within(comm);
  REQUIRE(message.has_value());
  CHECK(message->source == 0);
  CHECK(message->tag == 7);
  CHECK(message->payload == "hello");
  CHECK_FALSE(comm.try_receive().has_value());

  SECTION("binary bytes come through unchanged") {
    const std::string bytes = binary_payload(1000);
    comm.send(0, 1, bytes);
    const std::optional<Message> binary = receive_within(comm);
    REQUIRE(binary.has_value());
    CHECK(binary->payload == bytes);
  }
  SECTION("an empty payload is a message too") {
    comm.send(0, 3, "");
    const std::optional<Message> empty = receive_within(comm);
    REQUIRE(empty.has_value());
    CHECK(empty->tag == 3);
    CHECK(empty->payload.empty());
  }
  progress_until_sent(comm);
  CHECK(comm.pending_sends() == 0);
}

TEST_CASE("Comm: messages from one sender arrive in the order sent, whatever their tags", "[comm][messages]") {
  Comm comm;
  const int count = 200;
  for (int i = 0; i < count; ++i) comm.send(0, i % 5, "message " + std::to_string(i));
  for (int i = 0; i < count; ++i) {
    CAPTURE(i);
    const std::optional<Message> message = receive_within(comm);
    REQUIRE(message.has_value());
    CHECK(message->tag == i % 5);
    CHECK(message->payload == "message " + std::to_string(i));
  }
  CHECK_FALSE(comm.try_receive().has_value());
  progress_until_sent(comm);
  CHECK(comm.pending_sends() == 0);
}

TEST_CASE("Comm: pending sends are counted until progress() sees them delivered", "[comm][messages]") {
  Comm comm;
  comm.send(0, 1, "a");
  comm.send(0, 1, "b");
  comm.send(0, 1, "c");
  // Only progress() frees finished sends, so the count is exact here.
  CHECK(comm.pending_sends() == 3);
  for (int i = 0; i < 3; ++i) REQUIRE(receive_within(comm).has_value());
  progress_until_sent(comm);
  CHECK(comm.pending_sends() == 0);
}

TEST_CASE("Comm: a large payload is kept alive until MPI has sent it", "[comm][messages]") {
  Comm comm;
  // Far above any eager limit: the send completes only once it is received,
  // and the caller's string is long gone by then.
  const std::string bytes = binary_payload(8 * 1024 * 1024 + 3);
  comm.send(0, 9, std::string(bytes));
  comm.progress();
  const std::optional<Message> message = receive_within(comm);
  REQUIRE(message.has_value());
  CHECK(message->tag == 9);
  CHECK(message->payload.size() == bytes.size());
  CHECK((message->payload == bytes));  // (()): on failure, not 8 MiB of output
  progress_until_sent(comm);
  CHECK(comm.pending_sends() == 0);
}

TEST_CASE("Comm: finish_messages hands each late message to the callback exactly once", "[comm][finish]") {
  Comm comm;
  comm.send(0, 1, "early");
  const std::string large = binary_payload(4 * 1024 * 1024);
  comm.send(0, 2, "late 1");
  comm.send(0, 3, std::string(large));
  comm.send(0, 4, "late 2");
  const std::optional<Message> early = receive_within(comm);
  REQUIRE(early.has_value());
  CHECK(early->payload == "early");

  std::vector<Message> late;
  comm.finish_messages([&late](Message&& message) { late.push_back(std::move(message)); });
  REQUIRE(late.size() == 3);
  CHECK(late[0].tag == 2);
  CHECK(late[0].payload == "late 1");
  CHECK(late[1].tag == 3);
  CHECK((late[1].payload == large));  // (()): on failure, not 4 MiB of output
  CHECK(late[2].tag == 4);
  CHECK(late[2].payload == "late 2");
  for (const Message& message : late) CHECK(message.source == 0);
  CHECK(comm.pending_sends() == 0);
  CHECK_FALSE(comm.try_receive().has_value());
}

TEST_CASE("Comm: finish_messages with nothing in flight calls nobody", "[comm][finish]") {
  Comm comm;
  int calls = 0;
  const auto count_calls = [&calls](Message&&) { ++calls; };

  SECTION("nothing ever sent") {
    CHECK(comm.pending_sends() == 0);
    comm.finish_messages(count_calls);
  }
  SECTION("everything already received") {
    comm.send(0, 1, "x");
    comm.send(0, 1, "y");
    REQUIRE(receive_within(comm).has_value());
    REQUIRE(receive_within(comm).has_value());
    comm.finish_messages(count_calls);
  }
  CHECK(calls == 0);
  CHECK(comm.pending_sends() == 0);
}

TEST_CASE("Comm: each Comm is a private communicator", "[comm][messages]") {
  Comm first;
  Comm second;
  // On one communicator "for first" would be matched first (messages from one
  // sender keep their order), so `second` getting its own proves they are apart.
  first.send(0, 1, "for first");
  second.send(0, 1, "for second");
  const std::optional<Message> on_second = receive_within(second);
  REQUIRE(on_second.has_value());
  CHECK(on_second->payload == "for second");
  CHECK_FALSE(second.try_receive().has_value());
  const std::optional<Message> on_first = receive_within(first);
  REQUIRE(on_first.has_value());
  CHECK(on_first->payload == "for first");

  int late = 0;
  first.finish_messages([&late](Message&&) { ++late; });
  second.finish_messages([&late](Message&&) { ++late; });
  CHECK(late == 0);
}

TEST_CASE("Comm: collectives on one rank", "[comm][collectives]") {
  Comm comm;
  CHECK(comm.all_agree(true));
  CHECK_FALSE(comm.all_agree(false));

  CHECK(comm.gather("rank zero's bytes", 0) == std::vector<std::string>{"rank zero's bytes"});
  CHECK(comm.gather("", 0) == std::vector<std::string>{""});
  const std::string bytes = binary_payload(100'000);
  CHECK((comm.gather(bytes, 0) == std::vector<std::string>{bytes}));

  CHECK(comm.broadcast("plan", 0) == "plan");
  CHECK(comm.broadcast("", 0).empty());
  CHECK((comm.broadcast(bytes, 0) == bytes));
  CHECK(comm.broadcast_int(42, 0) == 42);
  CHECK(comm.broadcast_int(-1, 0) == -1);

  comm.barrier();
  SUCCEED("barrier returned on one rank");
}
