#include "collectors/power/bmc_poller.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace ainode {

struct BmcPoller::Shared {
  std::unique_ptr<BmcTransport> transport;
  std::chrono::milliseconds interval;
  std::chrono::milliseconds timeout;
  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  std::optional<std::chrono::steady_clock::time_point> in_flight_since;
  Status status;
  std::thread thread;
};

BmcPoller::BmcPoller(std::unique_ptr<BmcTransport> transport, std::chrono::milliseconds interval,
                     std::chrono::milliseconds timeout)
    : shared_(std::make_shared<Shared>()) {
  shared_->transport = std::move(transport);
  shared_->interval = interval;
  shared_->timeout = timeout;
  shared_->thread = std::thread(&BmcPoller::run, shared_);
}

BmcPoller::~BmcPoller() {
  std::unique_lock lock(shared_->mutex);
  shared_->stop = true;
  bool hung = shared_->in_flight_since.has_value();
  lock.unlock();
  shared_->wake.notify_all();
  // A request blocked in the driver cannot be interrupted; its thread holds
  // its own reference to the shared state and exits when the call returns.
  if (hung) {
    shared_->thread.detach();
  } else {
    shared_->thread.join();
  }
}

void BmcPoller::run(std::shared_ptr<Shared> shared) {
  std::unique_lock lock(shared->mutex);
  while (!shared->stop) {
    auto started = std::chrono::steady_clock::now();
    shared->in_flight_since = started;
    lock.unlock();
    BmcResponse response = shared->transport->get_power_reading();
    lock.lock();
    shared->in_flight_since.reset();
    if (shared->stop) break;
    auto took = std::chrono::steady_clock::now() - started;
    Status& status = shared->status;
    status.asked_yet = true;
    if (took > shared->timeout) {
      ++status.timed_out;
      status.last_error = fmt::format("the BMC answered after {:.1f} s, past bmc.timeout; answer discarded",
                                      std::chrono::duration<double>(took).count());
    } else if (auto* error = std::get_if<std::string>(&response)) {
      ++status.failed;
      status.last_error = *error;
    } else {
      DcmiPowerAnswer answer = parse_dcmi_power_reading(std::get<std::vector<std::uint8_t>>(response));
      if (auto* reading = std::get_if<DcmiPowerReading>(&answer)) {
        ++status.answered;
        status.reading = *reading;
        status.reading_at = started;
        status.last_error.clear();
      } else {
        ++status.failed;
        status.last_error = std::get<std::string>(answer);
      }
    }
    shared->wake.wait_until(lock, started + shared->interval, [&] { return shared->stop; });
  }
}

BmcPoller::Status BmcPoller::status() const {
  std::lock_guard lock(shared_->mutex);
  Status status = shared_->status;
  if (shared_->in_flight_since) {
    auto outstanding = std::chrono::steady_clock::now() - *shared_->in_flight_since;
    if (outstanding > shared_->timeout) status.stuck_for = outstanding;
  }
  return status;
}

}  // namespace ainode
