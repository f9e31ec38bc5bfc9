#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ainode {

// /proc/net/route (IPv4): the interface of the default route, i.e. the
// line with Destination and Mask 00000000; with several, the lowest Metric
// (the one the kernel uses), the first among equals. nullopt when there is
// none. Lenient: the header and lines that are short or carry a non-numeric
// metric are skipped, since this only picks the "primary" interface for
// display and has no counters to get wrong.
std::optional<std::string> default_route_interface(std::string_view proc_net_route);

}  // namespace ainode
