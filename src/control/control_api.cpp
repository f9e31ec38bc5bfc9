#include "control/control_api.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "http/query_string_parser.hpp"

namespace ainode {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  return segments;
}

HttpResponse json_answer(unsigned status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = std::make_shared<const std::string>(
      body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  return response;
}

}  // namespace

ControlApi::ControlApi(AuditLog& audit, EventBus& events, ControlAuthPolicy policy)
    : audit_(audit), events_(events), policy_(std::move(policy)),
      request_prefix_(fmt::format("{:x}{:x}", static_cast<unsigned>(::getpid()),
                                  static_cast<unsigned long long>(
                                      std::chrono::system_clock::now().time_since_epoch().count()) & 0xffffff)) {}

void ControlApi::add_action(std::string pattern, ControlAction action) {
  routes_.push_back(Route{split_path(pattern), std::move(action)});
}

void ControlApi::set_auth_policy(ControlAuthPolicy policy) {
  std::lock_guard lock(mutex_);
  policy_ = std::move(policy);
}

const ControlApi::Route* ControlApi::match(std::string_view path, nlohmann::json& captures) const {
  auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    nlohmann::json found = nlohmann::json::object();
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        found[want.substr(1, want.size() - 2)] = segments[i];
      } else {
        ok = want == segments[i];
      }
    }
    if (ok) {
      captures = std::move(found);
      return &route;
    }
  }
  return nullptr;
}

std::string ControlApi::next_request_id() { return fmt::format("{}-{}", request_prefix_, ++request_counter_); }

void ControlApi::count(const std::string& action, const std::string& result) {
  std::lock_guard lock(mutex_);
  ++stats_.requests[{action, result}];
}

ControlApi::Stats ControlApi::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void ControlApi::publish(const AuditRecord& record) {
  EventDraft event;
  event.type = "control_action";
  bool good = record.result == "ok" || record.result == "dry_run" || record.result == "unchanged";
  event.severity = good ? Severity::info : Severity::warning;
  event.message = fmt::format("{} {} by {}{}{}: {}", record.action, record.result, to_string(record.identity.method),
                              record.identity.subject.empty() ? "" : " " + record.identity.subject,
                              record.identity.peer.empty() ? "" : " from " + record.identity.peer,
                              record.reason.empty() ? "done" : record.reason);
  event.payload = audit_record_to_json(record);
  events_.publish(std::move(event));
}

HttpResponse ControlApi::handle(const HttpRequest& request) {
  nlohmann::json captures;
  const Route* route = match(target_path(request.target), captures);
  if (!route) return json_answer(404, {{"error", "no such control endpoint"}});
  const ControlAction& action = route->action;
  if (request.method != action.method) {
    auto response = json_answer(405, {{"error", "use " + action.method}});
    response.headers.emplace_back("Allow", action.method);
    return response;
  }

  AuditRecord record;
  record.time = std::chrono::system_clock::now();
  record.request_id = next_request_id();
  record.action = action.name;

  ControlCall call;
  call.parameters = captures;
  auto query = parse_query_string(request.target);
  if (query) {
    for (const auto& [key, value] : *query) call.parameters[key] = value;
  }
  bool bad_body = false;
  if (!request.body.empty()) {
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      bad_body = true;
    } else {
      for (auto& [key, value] : body.items()) call.parameters[key] = value;
    }
  }
  record.parameters = call.parameters;

  ControlAuthDecision decision;
  {
    std::lock_guard lock(mutex_);
    decision = authorize_control(
        ControlCredentials{request.peer_address, request.authorization, request.client_cert_subject,
                           request.basic_auth_user},
        policy_);
  }
  record.identity = decision.identity;
  auto refuse = [&](unsigned status, const std::string& reason) {
    record.stage = "response";
    record.result = "refused";
    record.status = status;
    record.reason = reason;
    std::string audit_error;
    if (!audit_.append(record, &audit_error)) {
      std::lock_guard lock(mutex_);
      ++stats_.audit_failures;
    }
    count(action.name, "refused");
    publish(record);
    auto response = json_answer(status, {{"error", reason}, {"request_id", record.request_id}});
    if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ainode control\"");
    return response;
  };
  if (!decision.allowed) return refuse(decision.status, decision.reason);
  if (bad_body || !query) return refuse(400, "the request body must be a JSON object and the query well-formed");

  call.identity = decision.identity;
  std::string audit_error;
  if (action.changes_state) {
    record.stage = "request";
    record.result = "accepted";
    if (!audit_.append(record, &audit_error)) {
      {
        std::lock_guard lock(mutex_);
        ++stats_.audit_failures;
      }
      return refuse(503, "the audit log cannot be written (" + audit_error + "); refusing to act unaudited");
    }
  }

  ControlOutcome outcome;
  try {
    outcome = action.run(call);
  } catch (const std::exception& error) {
    outcome.status = 500;
    outcome.result = "failed";
    outcome.reason = error.what();
  }
  record.stage = "response";
  record.time = std::chrono::system_clock::now();
  record.result = outcome.result;
  record.status = outcome.status;
  record.reason = outcome.reason;
  record.before = outcome.before;
  record.after = outcome.after;
  if (!audit_.append(record, &audit_error)) {
    std::lock_guard lock(mutex_);
    ++stats_.audit_failures;
    if (!action.changes_state) {
      // Nothing ran that matters, but nothing unaudited is answered either.
      return refuse(503, "the audit log cannot be written (" + audit_error + ")");
    }
    outcome.body["audit_error"] = audit_error;
  }
  count(action.name, outcome.result);
  publish(record);
  nlohmann::json body = outcome.body;
  body["result"] = outcome.result;
  body["request_id"] = record.request_id;
  if (!outcome.reason.empty()) body["reason"] = outcome.reason;
  return json_answer(outcome.status, body);
}

bool ControlApi::audit_autonomous(const std::string& action, const CallerIdentity& identity,
                                  const nlohmann::json& parameters, const std::string& stage,
                                  const ControlOutcome& outcome, std::string& request_id) {
  if (request_id.empty()) request_id = next_request_id();
  AuditRecord record;
  record.time = std::chrono::system_clock::now();
  record.request_id = request_id;
  record.stage = stage;
  record.identity = identity;
  record.action = action;
  record.parameters = parameters;
  record.result = outcome.result;
  record.reason = outcome.reason;
  record.before = outcome.before;
  record.after = outcome.after;
  bool ok = audit_.append(record);
  if (!ok) {
    std::lock_guard lock(mutex_);
    ++stats_.audit_failures;
  }
  if (stage == "response") {
    count(action, outcome.result);
    publish(record);
  }
  return ok;
}

}  // namespace ainode
