// The expiry commands on a real server: conditions, past times deleting the key,
// TTL rounding, PERSIST, and their errors.
#include <gtest/gtest.h>

#include <string>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

class ExpiryCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(ExpiryCommandsTest, SetReadAndRemoveExpiry) {
  ASSERT_EQ(client_.Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"TTL", "k"}), ":-1\r\n");
  EXPECT_EQ(client_.Run({"TTL", "nosuch"}), ":-2\r\n");
  EXPECT_EQ(client_.Run({"EXPIREAT", "k", "4102444800"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"EXPIRETIME", "k"}), ":4102444800\r\n");
  EXPECT_EQ(client_.Run({"PEXPIRETIME", "k"}), ":4102444800000\r\n");
  EXPECT_EQ(client_.Run({"PERSIST", "k"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"PERSIST", "k"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "100"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"TTL", "k"}), ":100\r\n");
  EXPECT_EQ(client_.Run({"GET", "k"}), "$1\r\nv\r\n") << "the value stays";
}

TEST_F(ExpiryCommandsTest, Conditions) {
  ASSERT_EQ(client_.Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "100", "XX"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "100", "GT"}), ":0\r\n") << "no expiry is infinite";
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "100", "NX"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "200", "NX"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "50", "GT"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "50", "LT"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"TTL", "k"}), ":50\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "1", "NX", "XX"}),
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "1", "GT", "LT"}),
            "-ERR GT and LT options at the same time are not compatible\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "1", "bogus"}), "-ERR Unsupported option bogus\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(client_.Run({"EXPIRE", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'expire' command\r\n");
}

TEST_F(ExpiryCommandsTest, APastTimeDeletesTheKey) {
  ASSERT_EQ(client_.Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"PEXPIRE", "k", "-1"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"EXISTS", "k"}), ":0\r\n");
  ASSERT_EQ(client_.Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"EXPIREAT", "k", "1", "XX"}), ":0\r\n") << "no expiry: XX refuses";
  EXPECT_EQ(client_.Run({"EXISTS", "k"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"GETEX", "k", "PXAT", "1"}), "$1\r\nv\r\n") << "the value, then gone";
  EXPECT_EQ(client_.Run({"EXISTS", "k"}), ":0\r\n");
}

}  // namespace
}  // namespace ferrite
