#pragma once
// The typed configuration passed down from main (docs/architecture.md). Values are
// filled by config/settings.cpp from defaults, TOML, AINODE_* environment
// and flags, in that order of increasing precedence.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ainode {

using Duration = std::chrono::milliseconds;

struct WebConfig {
  std::string listen_address = "0.0.0.0:9100";
  std::string telemetry_path = "/metrics";
  std::int64_t max_connections = 4096;
  Duration read_timeout = std::chrono::seconds(10);  // idle or slow client is dropped after this
  std::int64_t max_request_bytes = 8192;             // request line + headers
  std::int64_t max_header_count = 64;
  // exporter-toolkit's web-config.yml (TLS, client certificates, basic
  // auth, response headers); "" = plain HTTP without auth.
  std::string config_file;
};

struct PathConfig {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
};

struct CollectConfig {
  Duration interval = std::chrono::seconds(5);
  // Deadline of one collector run; 0 means "the interval".
  Duration timeout = Duration(0);
  // Collector name -> enabled; names absent here use the collector's default.
  std::map<std::string, bool> enabled;
  // node_exporter's --collector.disable-defaults: only collectors enabled
  // explicitly run.
  bool disable_defaults = false;
  // Collector threads keep the files they read every cycle open and re-read
  // them with pread (core/kept_open_files); false: open/read/close each time.
  bool keep_files_open = true;
};

struct LogConfig {
  std::string level = "info";  // trace|debug|info|warn|error|off
  std::string format = "text"; // text|json
};

struct ProcessesConfig {
  std::int64_t top_n = 10;  // per ranking (CPU, RSS): bounds cardinality
};

struct FilesystemConfig {
  // Same defaults as node_exporter, so dashboards see the same mounts.
  std::string mount_points_exclude = "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
  std::string fs_types_exclude =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|"
      "overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";
  Duration statfs_timeout = std::chrono::seconds(2);
};

struct DiskConfig {
  // Partitions, loop, ram and floppy devices: whole disks only by default.
  std::string device_exclude = "^(z?ram|loop|fd|(h|s|v|xv)d[a-z]+|nvme\\d+n\\d+p|mmcblk\\d+p)\\d+$";
};

struct NetworkConfig {
  // Container veth pairs would explode cardinality on Kubernetes nodes.
  std::string device_exclude = "^(veth.*|cali.*|lxc.*)$";
};

struct PowerConfig {
  // Whole-node power budget; 0 disables ainode_node_power_envelope_exceeded.
  std::int64_t node_envelope_watts = 0;
};

// The BMC collector (IPMI DCMI power reading, in-band); off unless enabled.
struct BmcConfig {
  std::string device = "/dev/ipmi0";
  Duration interval = std::chrono::seconds(10);  // BMCs refresh their reading about once a second at best
  Duration timeout = std::chrono::seconds(5);    // a request outstanding longer than this is stuck
};

struct GpuConfig {
  std::string nvml_library = "libnvidia-ml.so.1";  // dlopen()ed; a path or a soname
  bool enable_mig = true;
  bool enable_events = true;
  // Indices or UUIDs, comma-separated; "" or "all" = every GPU, "none" = no
  // GPU. Empty here falls back to NVIDIA_VISIBLE_DEVICES.
  std::string visible_devices;
  // GPUs whose MIG tree is read (same syntax); empty falls back to
  // NVIDIA_MIG_CONFIG_DEVICES, then to every visible GPU.
  std::string mig_config_devices;
  std::int64_t max_processes = 20;  // per GPU, by memory use: bounds cardinality
  bool k8s_mode = false;            // add *_compat series labelled by CDI device name
  bool enable_amd = true;           // AMD GPUs from amdgpu sysfs
  // NVML calls that block in the driver (PCIe throughput, energy) are read at most this often.
  Duration slow_read_interval = std::chrono::seconds(30);
  // XIDs from the kernel log as well as NVML's events (docs/risk.md).
  bool kmsg_xids = true;
  std::string kmsg_path;  // "" = <path.rootfs>/dev/kmsg
};

struct K8sConfig {
  // namespace/pod/container labels on process and GPU process series, from
  // cgroups and the kubelet's container log links (docs/kubernetes.md).
  bool attribution = true;
  // namespace/pod/container labels on GPU and MIG device series, from the
  // kubelet's PodResources allocations.
  bool gpu_pod_labels = true;
  // Resources counted as GPUs (comma-separated; a trailing * is a prefix).
  std::string gpu_resource_names = "nvidia.com/gpu,nvidia.com/mig-*,amd.com/gpu";
};

// The kubelet's PodResources gRPC API (the kubelet collector).
struct KubeletConfig {
  std::string pod_resources_socket = "/var/lib/kubelet/pod-resources/kubelet.sock";
  Duration pod_resources_interval = std::chrono::seconds(10);
  Duration pod_resources_timeout = std::chrono::seconds(5);
  std::int64_t pod_resources_max_message_bytes = 16 * 1024 * 1024;
  // The kubelet's HTTPS API for /stats/summary (ephemeral storage); "" = off.
  // In a pod: "https://$(NODE_IP):10250" with NODE_IP from the downward API.
  std::string url;
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  bool insecure_skip_verify = false;
  Duration interval = std::chrono::seconds(30);
  Duration timeout = std::chrono::seconds(5);
  // Pod events from the kubelet's /pods on the same API (docs/kubernetes.md);
  // needs kubelet.url and RBAC get on nodes/proxy.
  bool pod_events = true;
  Duration pods_interval = std::chrono::seconds(10);
};

// Where the agent keeps what must survive a restart (audit log, buffer,
// policy ownership records). "" = /var/lib/ainode, or a per-user directory
// when that is not writable (see core/state_dir.hpp).
struct StateConfig {
  std::string dir;
};

// Efficiency profiles (docs/policies.md): every *.yaml / *.yml in `dir`,
// re-read when they change and on reload. A missing directory = no profiles.
struct PolicyConfig {
  std::string dir = "/etc/ainode/policies";
};

// The control API (/v1/control/*): loopback only unless allow_remote, and
// then only with the token or a verified client certificate.
struct ControlConfig {
  bool allow_remote = false;
  std::string token_file;  // bearer token, re-read on reload; "" = none
  std::string audit_log;   // "" = <state.dir>/audit.log
  std::int64_t audit_max_bytes = 10 * 1024 * 1024;
  std::int64_t audit_keep = 5;
};

// The event bus and GET /v1/events.
struct EventsConfig {
  std::int64_t ring_size = 4096;             // events kept for Last-Event-ID replay and /v1/events/recent
  std::int64_t client_queue_bytes = 256 * 1024;  // a client further behind than this is dropped
  Duration heartbeat_interval = std::chrono::seconds(15);
  Duration write_timeout = std::chrono::seconds(10);  // a client that takes no bytes this long is dropped
};

// The on-disk buffer of collected cycles (docs/buffer.md).
struct BufferConfig {
  bool enable = true;
  std::int64_t max_bytes = 256LL * 1024 * 1024;  // oldest cycles dropped beyond this
  Duration max_age = std::chrono::hours(24);      // and beyond this age
};

// One remote_write receiver ([[remote_write]] in TOML; docs/remote-write.md).
struct RemoteWriteEndpoint {
  std::string url;
  std::string basic_auth_username;
  std::string basic_auth_password;
  std::string basic_auth_password_file;
  std::string bearer_token_file;  // re-read for every request, so rotation needs no restart
  std::map<std::string, std::string> headers;
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  bool tls_insecure_skip_verify = false;
  std::map<std::string, std::string> external_labels;  // e.g. node, cluster
};

struct RemoteWriteConfig {
  std::vector<RemoteWriteEndpoint> endpoints;
  // Samples older than this are not retried: a receiver would reject them
  // (Prometheus without an out-of-order window: ~1-2 h), and retrying them
  // forever would wedge the queue.
  Duration max_sample_age = std::chrono::hours(2);
  std::int64_t max_samples_per_second = 50'000;  // replay rate bound, per receiver
  std::int64_t max_samples_per_send = 5'000;
  Duration timeout = std::chrono::seconds(30);
  Duration min_backoff = std::chrono::milliseconds(100);
  Duration max_backoff = std::chrono::seconds(30);
};

// One model server scraped by the app collector (docs/model-efficiency.md):
// `url` is its Prometheus /metrics page. Its energy comes from the GPUs of
// `pod` (PodResources, or its processes on a time-sliced GPU) or from
// `gpus` (indices or UUIDs); with neither, from the node's power.
struct AppEndpoint {
  std::string url;
  std::string namespace_name, pod;
  std::vector<std::string> gpus;
};

// The app collector and the tokens-per-joule join (issue 12).
struct AppConfig {
  std::vector<AppEndpoint> endpoints;
  // Also scrape the pods on this node annotated ainode.io/metrics-port, from
  // the kubelet's /pods (needs kubelet.url; docs/model-efficiency.md).
  bool discover = true;
  Duration timeout = std::chrono::seconds(2);     // one scrape, connect to last byte
  std::int64_t max_body_bytes = 16 * 1024 * 1024;  // a larger page is refused, not parsed
  Duration window = std::chrono::minutes(5);       // of ainode_model_tokens_per_joule
};

struct Config {
  WebConfig web;
  StateConfig state;
  ControlConfig control;
  PolicyConfig policy;
  EventsConfig events;
  PathConfig path;
  CollectConfig collect;
  LogConfig log;
  ProcessesConfig processes;
  FilesystemConfig filesystem;
  DiskConfig disk;
  NetworkConfig network;
  GpuConfig gpu;
  PowerConfig power;
  BmcConfig bmc;
  K8sConfig k8s;
  KubeletConfig kubelet;
  BufferConfig buffer;
  RemoteWriteConfig remote_write;
  AppConfig app;
  std::string config_file;  // the TOML file that was read, or "" for none
};

}  // namespace ainode
