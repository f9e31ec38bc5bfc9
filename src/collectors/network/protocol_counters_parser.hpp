#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace ainode {

// /proc/net/snmp and /proc/net/netstat: per protocol, a line of names
// "Tcp: RtoAlgorithm RtoMin ..." followed by a line of values
// "Tcp: 1 200 ...". Returns protocol -> name -> value. Values are signed
// because some are (Tcp MaxConn is -1).
//
// Throws ParseError when a names line has no values line, when the two
// lines name different protocols, when their counts differ, or on a
// non-numeric value: a pairing gone wrong would attach values to the wrong
// names, so the whole file is refused rather than guessed at.
using ProtocolCounters = std::map<std::string, std::map<std::string, std::int64_t, std::less<>>, std::less<>>;
ProtocolCounters parse_protocol_counters(std::string_view text);

}  // namespace ainode
