#include "policy/ownership.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "temp_tree.hpp"

using namespace ainode;

namespace {

OwnedKnob capped(const std::string& uuid, double original, double set) {
  OwnedKnob r;
  r.uuid = uuid;
  r.gpu = 3;
  r.knob = Knob::power_limit;
  r.original = GpuSetting::power(original);
  r.set = GpuSetting::power(set);
  r.profile = "cap";
  r.driver_version = "550.54";
  r.boot_id = "boot-1";
  return r;
}

TEST(OwnershipStore, PersistsEveryChangeAndReadsItBack) {
  ainode::testing::TempTree tree;
  std::string path = (tree.path() / "policy-ownership.json").string();
  {
    OwnershipStore store(path);
    EXPECT_EQ(store.load(), std::nullopt);  // no file yet: no records
    ASSERT_EQ(store.put(capped("GPU-a", 700, 250)), std::nullopt);
    OwnedKnob clocks;
    clocks.uuid = "GPU-a";
    clocks.knob = Knob::locked_clocks;
    clocks.original = GpuSetting::default_of(Knob::locked_clocks);
    clocks.set = GpuSetting::clocks(Knob::locked_clocks, 900, 1410);
    ASSERT_EQ(store.put(clocks), std::nullopt);
  }
  OwnershipStore again(path);
  ASSERT_EQ(again.load(), std::nullopt);
  const OwnedKnob* power = again.find("GPU-a", Knob::power_limit);
  ASSERT_NE(power, nullptr);
  EXPECT_DOUBLE_EQ(power->original.watts, 700);
  EXPECT_DOUBLE_EQ(power->set.watts, 250);
  EXPECT_EQ(power->gpu, 3u);
  EXPECT_EQ(power->boot_id, "boot-1");
  const OwnedKnob* clocks = again.find("GPU-a", Knob::locked_clocks);
  ASSERT_NE(clocks, nullptr);
  EXPECT_TRUE(clocks->original.reset);
  EXPECT_EQ(clocks->set.second_mhz, 1410u);
  ASSERT_EQ(again.remove("GPU-a", Knob::power_limit), std::nullopt);
  OwnershipStore third(path);
  third.load();
  EXPECT_EQ(third.find("GPU-a", Knob::power_limit), nullptr);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(OwnershipStore, ACorruptFileIsAnErrorNotAnEmptyStore) {
  ainode::testing::TempTree tree;
  std::string path = (tree.path() / "own.json").string();
  std::ofstream(path) << "{\"records\":[{\"uuid\":\"GPU-a\",\"knob\":\"volume\"}]}";
  OwnershipStore store(path);
  auto error = store.load();
  ASSERT_TRUE(error);
  EXPECT_THAT(*error, ::testing::HasSubstr("records[0]: unknown knob"));
  std::ofstream(path) << "not json";
  EXPECT_TRUE(store.load());
}

TEST(OwnershipStore, AFailedWriteLeavesMemoryAsTheDisk) {
  OwnershipStore store("/nonexistent-dir/own.json");
  EXPECT_TRUE(store.put(capped("GPU-a", 700, 250)));
  EXPECT_EQ(store.find("GPU-a", Knob::power_limit), nullptr);
}

TEST(CheckPowerOwnership, TellsOursFromADriverResetFromAnOperator) {
  auto record = capped("GPU-a", 700, 250);
  EXPECT_EQ(check_power_ownership(record, 250.0004, 700, false), OwnershipCheck::ours);
  // Back at the board default while we had set 250 W: a driver reload.
  EXPECT_EQ(check_power_ownership(record, 700, 700, false), OwnershipCheck::driver_reset);
  // Anything else is someone else's.
  EXPECT_EQ(check_power_ownership(record, 300, 700, false), OwnershipCheck::external_change);
  // A new driver or boot: whatever it reads, our setting did not survive.
  EXPECT_EQ(check_power_ownership(record, 300, 700, true), OwnershipCheck::driver_reset);
  // We had set the default itself: a different value is an operator's.
  auto at_default = capped("GPU-a", 500, 700);
  EXPECT_EQ(check_power_ownership(at_default, 500, 700, false), OwnershipCheck::external_change);
}

}  // namespace

namespace {

TEST(ParseOwnershipRecords, NamesTheFileAndRecordOfEveryProblem) {
  auto error = [](std::string_view text) {
    auto parsed = parse_ownership_records(text, "own.json");
    return std::holds_alternative<std::string>(parsed) ? std::get<std::string>(parsed) : std::string("parsed");
  };
  EXPECT_EQ(error("{\"version\":1,\"records\":[]}"), "parsed");
  EXPECT_THAT(error("{\"version\":2,\"records\":[]}"), ::testing::HasSubstr("version 2 is not 1"));
  EXPECT_THAT(error("[]"), ::testing::HasSubstr("own.json: not an ownership file"));
  EXPECT_THAT(error("{\"records\":[{\"knob\":\"power_limit\"}]}"), ::testing::HasSubstr("records[0]: missing uuid"));
  EXPECT_THAT(error("{\"records\":[{\"uuid\":\"G\",\"knob\":\"power_limit\",\"original\":-5,\"set\":250}]}"),
              ::testing::HasSubstr("records[0]: bad original value"));
  EXPECT_THAT(error("{\"records\":[{\"uuid\":\"G\",\"knob\":\"locked_clocks\",\"original\":\"default\",\"set\":{\"min_mhz\":9}}]}"),
              ::testing::HasSubstr("bad set value"));
  EXPECT_THAT(error("{\"records\":[{\"uuid\":\"G\",\"knob\":\"power_limit\",\"original\":700,\"set\":250,\"gpu\":-1}]}"),
              ::testing::HasSubstr("gpu is not an index"));
}

TEST(ParseOwnershipRecords, RendersWhatItParses) {
  OwnedKnob r;
  r.uuid = "GPU-x";
  r.knob = Knob::application_clocks;
  r.original = GpuSetting::default_of(Knob::application_clocks);
  r.set = GpuSetting::clocks(Knob::application_clocks, 1593, 1410);
  auto parsed = parse_ownership_records(render_ownership_records({r}), "x");
  ASSERT_TRUE(std::holds_alternative<std::vector<OwnedKnob>>(parsed));
  const auto& back = std::get<std::vector<OwnedKnob>>(parsed).at(0);
  EXPECT_TRUE(same_setting(back.set, r.set));
  EXPECT_TRUE(same_setting(back.original, r.original));
}

}  // namespace
