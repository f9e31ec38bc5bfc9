#include "core/collector_details.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

using namespace ainode;

TEST(CollectorDetails, MadeAtOnceIsServedAsIs) {
  CollectorDetails details(nlohmann::json{{"rdma", {1, 2}}});
  EXPECT_EQ(details.json()["rdma"].size(), 2u);
}

TEST(CollectorDetails, LazyRenderRunsOnceOnFirstReadEvenWhenReadersRace) {
  std::atomic<int> renders = 0;
  CollectorDetails details(std::function<nlohmann::json()>([&renders] {
    ++renders;
    return nlohmann::json{{"gpus", nlohmann::json::array({1})}};
  }));
  EXPECT_EQ(renders, 0) << "nothing built until read";
  std::vector<std::thread> readers;
  std::atomic<int> seen = 0;
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] { seen += static_cast<int>(details.json()["gpus"].size()); });
  }
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(seen, 8);
}

TEST(CollectorDetails, RenderThatThrowsSaysWhyInsteadOfCrashing) {
  CollectorDetails details(
      std::function<nlohmann::json()>([]() -> nlohmann::json { throw std::runtime_error("bad reading"); }));
  ASSERT_TRUE(details.json().is_object());
  EXPECT_EQ(details.json().size(), 1u);
  EXPECT_EQ(details.json()["details_error"], "rendering this section failed: bad reading");
}
