// Every form of /proc/<pid>/cgroup a node agent meets: cgroup v1 and v2,
// cgroupfs and systemd drivers, containerd, CRI-O and Docker, the three QoS
// classes, other cgroup namespaces, and processes in no container.
#include "k8s/cgroup_path_parser.hpp"

#include <gtest/gtest.h>

using namespace ainode;

namespace {

const std::string kId = "4c0a5f3b2e1d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";
const std::string kUid = "3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f";
const std::string kUidUnderscores = "3f2b8c1e_5d4a_4b6c_9e8f_0a1b2c3d4e5f";

struct Case {
  std::string name;
  std::string cgroup;
  std::string pod_uid;
  std::string container_id;
  std::string runtime;
  std::string qos;
};

std::vector<Case> cases() {
  return {
      {"v2 systemd containerd burstable",
       "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidUnderscores +
           ".slice/cri-containerd-" + kId + ".scope\n",
       kUid, kId, "containerd", "burstable"},
      {"v2 systemd containerd guaranteed",
       "0::/kubepods.slice/kubepods-pod" + kUidUnderscores + ".slice/cri-containerd-" + kId + ".scope\n", kUid, kId,
       "containerd", "guaranteed"},
      {"v2 systemd cri-o besteffort",
       "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + kUidUnderscores + ".slice/crio-" +
           kId + ".scope\n",
       kUid, kId, "cri-o", "besteffort"},
      {"v2 systemd docker (dockershim / cri-dockerd)",
       "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidUnderscores + ".slice/docker-" +
           kId + ".scope\n",
       kUid, kId, "docker", "burstable"},
      {"v2 cgroupfs containerd", "0::/kubepods/burstable/pod" + kUid + "/" + kId + "\n", kUid, kId, "", "burstable"},
      {"v2 cgroupfs guaranteed", "0::/kubepods/pod" + kUid + "/" + kId + "\n", kUid, kId, "", "guaranteed"},
      {"v2 seen from another cgroup namespace",
       "0::/../../kubepods-burstable-pod" + kUidUnderscores + ".slice/cri-containerd-" + kId + ".scope\n", kUid, kId,
       "containerd", "burstable"},
      {"v2 kind node (kubelet.slice nesting)",
       "0::/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
       "kubelet-kubepods-besteffort-pod" +
           kUidUnderscores + ".slice/cri-containerd-" + kId + ".scope\n",
       kUid, kId, "containerd", "besteffort"},
      {"v2 pod cgroup itself (no container)",
       "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidUnderscores + ".slice\n", kUid, "",
       "", "burstable"},
      {"v2 CRI-O conmon is not the container",
       "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidUnderscores + ".slice/crio-conmon-" +
           kId + ".scope\n",
       kUid, "", "", "burstable"},
      {"v2 static pod hash uid",
       "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0123456789abcdef0123456789abcdef.slice/"
       "cri-containerd-" +
           kId + ".scope\n",
       "0123456789abcdef0123456789abcdef", kId, "containerd", "burstable"},
      {"v1 hierarchies, cgroupfs driver",
       "12:pids:/kubepods/besteffort/pod" + kUid + "/" + kId + "\n11:cpu,cpuacct:/kubepods/besteffort/pod" + kUid +
           "/" + kId + "\n10:memory:/kubepods/besteffort/pod" + kUid + "/" + kId + "\n1:name=systemd:/kubepods/besteffort/pod" +
           kUid + "/" + kId + "\n",
       kUid, kId, "", "besteffort"},
      {"v1 systemd driver, unified line says only /",
       "11:memory:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUidUnderscores +
           ".slice/cri-containerd-" + kId + ".scope\n1:name=systemd:/kubepods.slice\n0::/\n",
       kUid, kId, "containerd", "burstable"},
      {"plain Docker outside Kubernetes (systemd)", "0::/system.slice/docker-" + kId + ".scope\n", "", kId, "docker", ""},
      {"plain Docker outside Kubernetes (cgroupfs)", "4:memory:/docker/" + kId + "\n", "", kId, "docker", ""},
  };
}

}  // namespace

TEST(CgroupPath, EveryForm) {
  for (const auto& c : cases()) {
    auto parsed = parse_cgroup_container(c.cgroup);
    ASSERT_TRUE(parsed.has_value()) << c.name;
    EXPECT_EQ(parsed->pod_uid, c.pod_uid) << c.name;
    EXPECT_EQ(parsed->container_id, c.container_id) << c.name;
    EXPECT_EQ(parsed->runtime, c.runtime) << c.name;
    EXPECT_EQ(parsed->qos_class, c.qos) << c.name;
  }
}

TEST(CgroupPath, ProcessesInNoContainer) {
  for (const char* cgroup : {"0::/user.slice/user-1000.slice/session-3.scope\n", "0::/system.slice/kubelet.service\n",
                             "0::/\n", "0::/init.scope\n", "12:pids:/\n1:name=systemd:/init.scope\n",
                             "0::/kubepods.slice\n", "0::/kubepods.slice/kubepods-burstable.slice\n"}) {
    EXPECT_FALSE(parse_cgroup_container(cgroup).has_value()) << cgroup;
  }
}

TEST(CgroupPath, GarbageEmptyAndTruncated) {
  EXPECT_FALSE(parse_cgroup_container("").has_value());
  EXPECT_FALSE(parse_cgroup_container("\n\n").has_value());
  EXPECT_FALSE(parse_cgroup_container("no colons here").has_value());
  EXPECT_FALSE(parse_cgroup_container("0:").has_value());
  EXPECT_FALSE(parse_cgroup_container(std::string(4096, ':')).has_value());
  // A uid one digit short, a container id one digit short: not accepted.
  EXPECT_FALSE(parse_cgroup_container("0::/kubepods/burstable/pod" + kUid.substr(1)).value_or(CgroupContainer{}).pod_uid.size());
  auto short_id = parse_cgroup_container("0::/kubepods/burstable/pod" + kUid + "/" + kId.substr(1));
  ASSERT_TRUE(short_id.has_value());
  EXPECT_EQ(short_id->pod_uid, kUid);
  EXPECT_EQ(short_id->container_id, "");
  // Truncated in the middle of the container segment.
  auto truncated = parse_cgroup_container("0::/kubepods.slice/kubepods-pod" + kUidUnderscores + ".slice/cri-contai");
  ASSERT_TRUE(truncated.has_value());
  EXPECT_EQ(truncated->container_id, "");
}
