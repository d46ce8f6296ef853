// LATENCY LATEST, HISTORY, RESET, HISTOGRAM, DOCTOR and HELP: the latency events that
// commands slower than latency-monitor-threshold leave (server/latency_monitor.h), and
// every command's latency distribution.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_args.h"
#include "commands/command_context.h"
#include "commands/command_families.h"
#include "commands/help_reply.h"
#include "commands/server_api.h"

namespace ferrite {
namespace {

using protocol::ReplyBuilder;

void CmdLatencyLatest(CommandContext& ctx) {
  std::vector<LatencyEventSeries> events = ctx.server.LatencyEvents();
  ctx.reply.ArrayHeader(events.size());
  for (const LatencyEventSeries& event : events) {
    // An event exists only once it has a sample.
    const LatencySample& newest = event.samples.back();
    ctx.reply.ArrayHeader(4);
    ctx.reply.Bulk(event.name);
    ctx.reply.Integer(newest.unix_time);
    ctx.reply.Integer(newest.latency_ms);
    ctx.reply.Integer(event.max_ms);
  }
}

void CmdLatencyHistory(CommandContext& ctx) {
  for (const LatencyEventSeries& event : ctx.server.LatencyEvents()) {
    if (event.name != ctx.args[2]) continue;
    ctx.reply.ArrayHeader(event.samples.size());
    for (const LatencySample& sample : event.samples) {
      ctx.reply.ArrayHeader(2);
      ctx.reply.Integer(sample.unix_time);
      ctx.reply.Integer(sample.latency_ms);
    }
    return;
  }
  ctx.reply.ArrayHeader(0);
}

void CmdLatencyReset(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.LatencyReset(ctx.args.subspan(2))));
}

// One command's entry: {calls, histogram_usec: {bound: calls at or below it, ...}}.
void ReplyCommandLatency(ReplyBuilder& r, const CommandSpec& command,
                         const CommandLatencyReport& report) {
  r.Bulk(command.full_name);
  r.MapHeader(2);
  r.Bulk("calls");
  r.Integer(static_cast<int64_t>(report.calls));
  r.Bulk("histogram_usec");
  r.MapHeader(report.cumulative.size());
  for (const auto& [bound_us, calls] : report.cumulative) {
    r.Integer(static_cast<int64_t>(bound_us));
    r.Integer(static_cast<int64_t>(calls));
  }
}

void CmdLatencyHistogram(CommandContext& ctx) {
  const CommandRegistry& registry = ctx.server.commands();
  // The commands to report, in Redis's order: those named (a container brings its
  // subcommands; unknown names are skipped, repeated ones repeated), or all of them.
  std::vector<const CommandSpec*> selected;
  auto select = [&selected](const CommandSpec& command) {
    selected.push_back(&command);
    for (const CommandSpec& sub : command.subcommands) selected.push_back(&sub);
  };
  if (ctx.args.size() == 2) {
    for (const CommandSpec* command : registry.commands()) select(*command);
  } else {
    for (std::string_view name : ctx.args.subspan(2)) {
      if (const CommandSpec* command = registry.FindByFullName(name)) select(*command);
    }
  }
  std::vector<std::pair<const CommandSpec*, CommandLatencyReport>> reports;
  for (const CommandSpec* command : selected) {
    CommandLatencyReport report = ctx.server.CommandLatency(*command);
    if (report.calls > 0) reports.emplace_back(command, std::move(report));
  }
  ctx.reply.MapHeader(reports.size());
  for (const auto& [command, report] : reports) ReplyCommandLatency(ctx.reply, *command, report);
}

// Figures of one event's samples for the doctor's report.
struct EventSummary {
  double average_ms = 0;
  double mean_deviation_ms = 0;
  int64_t period_s = 0;  // mean time between samples
};

EventSummary Summarize(const LatencyEventSeries& event) {
  EventSummary summary;
  const auto& samples = event.samples;
  double sum = 0;
  for (const LatencySample& sample : samples) sum += static_cast<double>(sample.latency_ms);
  summary.average_ms = sum / static_cast<double>(samples.size());
  double deviation = 0;
  for (const LatencySample& sample : samples) {
    deviation += std::fabs(static_cast<double>(sample.latency_ms) - summary.average_ms);
  }
  summary.mean_deviation_ms = deviation / static_cast<double>(samples.size());
  if (samples.size() > 1) {
    summary.period_s = (samples.back().unix_time - samples.front().unix_time) /
                       static_cast<int64_t>(samples.size() - 1);
  }
  return summary;
}

std::string_view AdviceFor(std::string_view event) {
  if (event == "fast-command") {
    return "Commands flagged fast (O(1) or O(log N)) took milliseconds: their worker thread "
           "was most likely held up by something else, such as a long command of another "
           "client on the same thread, a DEBUG SLEEP, the machine swapping or the process "
           "being starved of CPU.";
  }
  if (event == "command") {
    return "Slow commands: SLOWLOG GET names them. Commands over whole databases (KEYS, "
           "FLUSHDB, SCAN with a large COUNT) and commands on large values take time in "
           "proportion to their size; keys on disk cost a read each.";
  }
  return "";
}

std::string LatencyReport(int64_t threshold_ms, const std::vector<LatencyEventSeries>& events) {
  if (events.empty()) {
    if (threshold_ms == 0) {
      return "Latency monitoring is off (latency-monitor-threshold is 0), so no latency "
             "event was recorded. Turn it on with CONFIG SET latency-monitor-threshold "
             "<milliseconds>: every command at least that slow is then recorded, and "
             "LATENCY LATEST, LATENCY HISTORY and this report show them.\n";
    }
    return fmt::format(
        "No latency event was recorded: no command took {} ms or more since the server "
        "started or the events were last reset.\n",
        threshold_ms);
  }
  std::string text = fmt::format(
      "Latency events recorded (commands that took at least {} ms, the worst of each "
      "second):\n\n",
      threshold_ms);
  int number = 0;
  for (const LatencyEventSeries& event : events) {
    EventSummary summary = Summarize(event);
    text += fmt::format(
        "{}. {}: {} latency spikes (average {:.0f} ms, mean deviation {:.0f} ms, period {} "
        "s). Worst: {} ms.\n",
        ++number, event.name, event.samples.size(), summary.average_ms, summary.mean_deviation_ms,
        summary.period_s, event.max_ms);
    std::string_view advice = AdviceFor(event.name);
    if (!advice.empty()) text += fmt::format("   {}\n", advice);
  }
  text +=
      "\nLATENCY HISTOGRAM shows how every command's latencies are distributed; LATENCY "
      "RESET forgets the events.\n";
  return text;
}

void CmdLatencyDoctor(CommandContext& ctx) {
  std::string_view name = "latency-monitor-threshold";
  ConfigPairs threshold = ctx.server.ConfigGet(std::span<const std::string_view>(&name, 1));
  int64_t threshold_ms =
      threshold.empty() ? 0 : std::strtoll(threshold[0].second.c_str(), nullptr, 10);
  ctx.reply.Verbatim(LatencyReport(threshold_ms, ctx.server.LatencyEvents()));
}

void CmdLatencyHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for "
      "the specified command names.",
      "    If no commands are specified then all histograms are replied.",
  };
  ReplyHelp(ctx.reply, ctx.args[0], kLines);
}

constexpr uint32_t kLatencyFlags = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale;
constexpr uint32_t kLatencyCategories = kAclAdmin | kAclSlow | kAclDangerous;

CommandSpec Subcommand(std::string name, int arity, CommandHandler handler,
                       std::vector<std::string_view> tips, CommandDoc doc) {
  return {.name = std::move(name),
          .arity = arity,
          .flags = kLatencyFlags,
          .categories = kLatencyCategories,
          .handler = handler,
          .tips = std::move(tips),
          .doc = std::move(doc)};
}

}  // namespace

void RegisterLatencyCommands(CommandRegistry& registry) {
  using A = ArgumentDoc;
  const std::vector<std::string_view> kReportTips = {
      "nondeterministic_output", "request_policy:all_nodes", "response_policy:special"};
  // In the order Redis 7.0 lists them (COMMAND INFO compares them in order). LATENCY
  // GRAPH is not built (docs/compatibility.md).
  std::vector<CommandSpec> subcommands;
  subcommands.push_back(Subcommand(
      "histogram", -2, CmdLatencyHistogram, kReportTips,
      {"Returns the latency distribution of some commands, or of all.",
       "7.0.0",
       "server",
       "O(N) where N is the number of commands with latency information being retrieved.",
       {{"command", "string", {}, A::kOptional | A::kMultiple}}}));
  subcommands.push_back(Subcommand("reset", -2, CmdLatencyReset,
                                   {"request_policy:all_nodes", "response_policy:all_succeeded"},
                                   {"Forgets the samples of some latency events, or of all.",
                                    "2.8.13",
                                    "server",
                                    "O(1)",
                                    {{"event", "string", {}, A::kOptional | A::kMultiple}}}));
  subcommands.push_back(Subcommand(
      "latest", 2, CmdLatencyLatest, kReportTips,
      {"Returns the newest sample of every latency event.", "2.8.13", "server", "O(1)", {}}));
  subcommands.push_back(
      {.name = "help",
       .arity = 2,
       .flags = kCmdLoading | kCmdStale,
       .categories = kAclSlow,
       .handler = CmdLatencyHelp,
       .doc = {"Shows help on the LATENCY subcommands.", "2.8.13", "server", "O(1)", {}}});
  subcommands.push_back(Subcommand(
      "doctor", 2, CmdLatencyDoctor, kReportTips,
      {"Describes the latency events recorded, in words.", "2.8.13", "server", "O(1)", {}}));
  subcommands.push_back(Subcommand("history", 3, CmdLatencyHistory, kReportTips,
                                   {"Returns the samples of a latency event, oldest first.",
                                    "2.8.13",
                                    "server",
                                    "O(1)",
                                    {{"event", "string"}}}));
  registry.Register({.name = "latency",
                     .arity = -2,
                     .categories = kAclSlow,
                     .doc = {"A container for the latency diagnostics commands.",
                             "2.8.13",
                             "server",
                             "Depends on subcommand.",
                             {}},
                     .subcommands = std::move(subcommands)});
}

}  // namespace ferrite
