#include "server/info_report.h"

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestServer;

std::string Report(Server& server, std::vector<std::string_view> sections) {
  return BuildInfoReport(server, sections);
}

TEST(InfoReportTest, SectionSelection) {
  TestServer server;
  Server& s = server.server();
  std::string defaults = Report(s, {});
  EXPECT_EQ(defaults.rfind("# Server\r\n", 0), 0u);
  EXPECT_EQ(defaults.find("# Commandstats"), std::string::npos);
  EXPECT_EQ(Report(s, {"default"}).size() > 0, true);
  EXPECT_NE(Report(s, {"everything"}).find("# Commandstats"), std::string::npos);
  EXPECT_EQ(Report(s, {"bogus"}), "");
  for (const char* header : {"# Memory\r\n", "# Persistence\r\n", "# Modules\r\n",
                             "# Cluster\r\n", "# Keyspace\r\n"}) {
    EXPECT_NE(defaults.find(header), std::string::npos) << header;
  }
  EXPECT_NE(Report(s, {"all"}).find("# Latencystats"), std::string::npos);
  EXPECT_EQ(Report(s, {std::string_view("memory\0x", 8)}).rfind("# Memory\r\nused_memory:", 0), 0u);
  std::string cpu = Report(s, {"CPU"});
  EXPECT_EQ(cpu.rfind("# CPU\r\nused_cpu_sys:", 0), 0u) << cpu;
  std::string two = Report(s, {"keyspace", "server"});
  EXPECT_LT(two.find("# Server"), two.find("# Keyspace")) << "Redis's section order, not the request's";
  EXPECT_EQ(two.substr(two.size() - 2), "\r\n");
}

TEST(InfoReportTest, FieldsReflectTheServer) {
  TestServer server;
  std::string text = Report(server.server(), {"server", "clients"});
  EXPECT_NE(text.find("tcp_port:" + std::to_string(server.port()) + "\r\n"), std::string::npos);
  EXPECT_NE(text.find("threads:2\r\n"), std::string::npos);
  EXPECT_NE(text.find("maxclients:10000\r\n"), std::string::npos);
  EXPECT_NE(text.find("connected_clients:0\r\n"), std::string::npos);
  EXPECT_NE(text.find("run_id:" + server.server().identity().run_id + "\r\n"), std::string::npos);
  EXPECT_EQ(server.server().identity().run_id.size(), 40u);
}

}  // namespace
}  // namespace ferrite
