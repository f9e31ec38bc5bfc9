"""The ainode dashboards: the one place their panels and PromQL are written.

tools/dashboards/generate.py turns these into deploy/grafana/*.json. Every
metric name here must be one the agent exports (tests/e2e/grafana_dashboards.sh
checks them against docs/metrics.md, and every query against a Prometheus that
scraped the agent on the node twin).
"""
from grafana import GPU, NODE, bargauge, dashboard, row, stat, state_timeline, table, target, timeseries

# Per-GPU series: one legend entry per node and GPU.
GPU_LEGEND = "{{node}} GPU {{gpu}}"
BY_GPU = "node, gpu"


def node_overview():
    panels = [
        row("Health"),
        stat("Health score", "ainode_health_score: 0 (saturated) to 10 (idle headroom); docs/health-score.md.",
             f"min by (node) (ainode_health_score{{{NODE}}})", thresholds=[(0, "red"), (4, "orange"), (7, "green")]),
        stat("Degradation score", "Share of degradation signals active (0..1); docs/degradation.md.",
             f"max by (node) (ainode_degradation_score{{{NODE}}})", unit="percentunit",
             thresholds=[(0.25, "orange"), (0.5, "red")]),
        stat("Collectors failing", "Collectors whose last run failed or timed out.",
             f"count by (node) (ainode_collector_success{{{NODE}}} == 0) or sum by (node) (ainode_collector_success{{{NODE}}} * 0)",
             thresholds=[(1, "red")]),
        stat("Uptime", "Seconds since the node booted.",
             f"max by (node) (time() - ainode_boot_time_seconds{{{NODE}}})", unit="s"),
        state_timeline("Degradation signals", "Each degradation signal: 1 while active.",
                       (f"max by (signal) (ainode_degradation_signal{{{NODE}}})", "{{signal}}"), height=7,
                       mappings=[{"type": "value", "options": {"0": {"text": "ok", "color": "green"},
                                                               "1": {"text": "active", "color": "red"}}}]),
        row("CPU and memory"),
        timeseries("CPU utilization", "Node-wide busy share, from /proc/stat deltas.",
                   (f"ainode_cpu_utilization_ratio{{{NODE}}}", "{{node}}"), unit="percentunit", maximum=1),
        timeseries("Load average", "1-minute load per online CPU.",
                   (f"ainode_load1{{{NODE}}} / ainode_cpus_online{{{NODE}}}", "{{node}}")),
        timeseries("Memory used", "Total minus available (MemAvailable).",
                   [(f"ainode_memory_total_bytes{{{NODE}}} - ainode_memory_available_bytes{{{NODE}}}", "{{node}} used"),
                    (f"ainode_memory_total_bytes{{{NODE}}}", "{{node}} total")], unit="bytes"),
        timeseries("Pressure stall (some, 60 s)", "PSI: share of time some task waited for the resource.",
                   (f'ainode_pressure_stall_ratio{{{NODE},kind="some",window="60s"}}', "{{node}} {{resource}}"),
                   unit="percentunit"),
        timeseries("Major page faults and OOM kills", "Pages read from disk on fault, and OOM killer invocations.",
                   [(f"rate(ainode_memory_major_page_faults_total{{{NODE}}}[$__rate_interval])", "{{node}} major faults/s"),
                    (f"increase(ainode_memory_oom_kills_total{{{NODE}}}[$__rate_interval])", "{{node}} OOM kills")]),
        timeseries("Swap used", "", (f"ainode_swap_used_bytes{{{NODE}}}", "{{node}}"), unit="bytes"),
        row("Disks, filesystems and network"),
        timeseries("Disk throughput", "Bytes read and written per device.",
                   [(f"rate(ainode_disk_read_bytes_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}} read"),
                    (f"rate(ainode_disk_written_bytes_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}} write")],
                   unit="Bps"),
        timeseries("Disk busy", "Share of time the device had I/O in flight.",
                   (f"rate(ainode_disk_io_time_seconds_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}}"),
                   unit="percentunit", maximum=1),
        table("Filesystems", "Space used per mount; read-only and device errors flag a failing disk.",
              [target(f"1 - ainode_filesystem_avail_bytes{{{NODE}}} / ainode_filesystem_size_bytes{{{NODE}}}", "used"),
               target(f"ainode_filesystem_readonly{{{NODE}}}", "read-only")], unit="percentunit", width=12),
        timeseries("Filesystem fill prediction", "Available bytes predicted 24 h ahead from the last 6 h (negative: full before then).",
                   (f"predict_linear(ainode_filesystem_avail_bytes{{{NODE}}}[6h], 86400)", "{{node}} {{mountpoint}}"),
                   unit="bytes"),
        timeseries("Network throughput", "Bytes received and sent per interface.",
                   [(f"rate(ainode_network_receive_bytes_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}} rx"),
                    (f"rate(ainode_network_transmit_bytes_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}} tx")],
                   unit="Bps"),
        timeseries("Network errors and TCP retransmits", "",
                   [(f"rate(ainode_network_receive_errors_total{{{NODE}}}[$__rate_interval]) + rate(ainode_network_transmit_errors_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}} errors/s"),
                    (f"rate(ainode_tcp_retransmitted_segments_total{{{NODE}}}[$__rate_interval])", "{{node}} TCP retransmits/s")]),
        timeseries("InfiniBand throughput", "Data received and sent per port.",
                   [(f"rate(ainode_infiniband_port_data_received_bytes_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}}/{{port}} rx"),
                    (f"rate(ainode_infiniband_port_data_transmitted_bytes_total{{{NODE}}}[$__rate_interval])", "{{node}} {{device}}/{{port}} tx")],
                   unit="Bps"),
        timeseries("InfiniBand errors", "Port error counters (symbol, link recovery, discards ...).",
                   (f"sum by (node, device, port, counter) (rate(ainode_infiniband_port_errors_total{{{NODE}}}[$__rate_interval]))",
                    "{{node}} {{device}}/{{port}} {{counter}}")),
    ]
    return dashboard("ainode-node", "ainode / Node overview",
                     "Host health, CPU, memory, pressure, disks, filesystems and network of the nodes ainode runs on.",
                     panels, tags=["node"])


THROTTLE_MAPPINGS = [{"type": "value", "options": {"0": {"text": "no", "color": "transparent"},
                                                   "1": {"text": "active", "color": "red"}}}]


def gpu_fleet():
    panels = [
        row("Fleet"),
        stat("GPUs", "GPUs the agent sees on the selected nodes.", f"sum(ainode_gpu_devices{{{NODE}}})"),
        stat("GPUs down", "GPUs whose last sample failed (ainode_gpu_up == 0).",
             f"count(ainode_gpu_up{{{GPU}}} == 0) or vector(0)", thresholds=[(1, "red")]),
        stat("Power drawn by GPUs", "", f"sum(ainode_gpu_power_watts{{{GPU}}})", unit="watt"),
        stat("Hottest GPU", "", f"max(ainode_gpu_temperature_celsius{{{GPU}}})", unit="celsius",
             thresholds=[(80, "orange"), (85, "red")]),
        row("Load"),
        timeseries("GPU utilization", "Share of time a kernel was running.",
                   (f"ainode_gpu_utilization_ratio{{{GPU}}}", GPU_LEGEND), unit="percentunit", maximum=1),
        timeseries("GPU memory used", "",
                   (f"ainode_gpu_memory_used_bytes{{{GPU}}} / ainode_gpu_memory_total_bytes{{{GPU}}}", GPU_LEGEND),
                   unit="percentunit", maximum=1),
        timeseries("SM clock", "Graphics/SM clock against its maximum.",
                   (f'ainode_gpu_clock_hertz{{{GPU},clock="sm"}}', GPU_LEGEND), unit="hertz"),
        timeseries("Memory clock", "", (f'ainode_gpu_clock_hertz{{{GPU},clock="memory"}}', GPU_LEGEND), unit="hertz"),
        row("Thermals and power"),
        timeseries("Temperature", "Die temperature; the dashed line is the slowdown threshold of the hottest board.",
                   [(f"ainode_gpu_temperature_celsius{{{GPU}}}", GPU_LEGEND),
                    (f'min(ainode_gpu_temperature_threshold_celsius{{{GPU},threshold="slowdown"}})', "slowdown threshold")],
                   unit="celsius"),
        timeseries("Temperature margin to slowdown", "Degrees left before HW thermal slowdown.",
                   (f'ainode_gpu_temperature_threshold_celsius{{{GPU},threshold="slowdown"}} - on (node, gpu) group_left ainode_gpu_temperature_celsius{{{GPU}}}',
                    GPU_LEGEND), unit="celsius", thresholds=[(5, "red")]),
        timeseries("Power vs enforced limit", "Power drawn as a share of the enforced power limit.",
                   (f'ainode_gpu_power_watts{{{GPU}}} / on (node, gpu) ainode_gpu_power_limit_watts{{{GPU},limit="enforced"}}', GPU_LEGEND),
                   unit="percentunit", maximum=1.05),
        timeseries("Power", "", [(f"ainode_gpu_power_watts{{{GPU}}}", GPU_LEGEND),
                                 (f'max(ainode_gpu_power_limit_watts{{{GPU},limit="enforced"}})', "highest enforced limit")],
                   unit="watt"),
        state_timeline("Throttle reasons", "Clock throttle reasons per GPU (NVML), those active at some time in the range: red while active.",
                       (f"ainode_gpu_throttle_reason{{{GPU}}} and on (node, gpu, reason) "
                        f"max_over_time(ainode_gpu_throttle_reason{{{GPU}}}[$__range]) > 0", "GPU {{gpu}} {{reason}}"), height=10,
                       mappings=THROTTLE_MAPPINGS),
        row("Errors"),
        timeseries("XID errors", "XID events per GPU and code in the interval (docs/runbooks/AinodeGpuXidCritical.md).",
                   (f"sum by (node, gpu, xid) (increase(ainode_gpu_xid_errors_total{{{GPU}}}[$__rate_interval]))",
                    "{{node}} GPU {{gpu}} XID {{xid}}")),
        table("Last XID", "The most recent XID code per GPU.", target(f"ainode_gpu_last_xid{{{GPU}}}", "last XID")),
        timeseries("ECC errors", "Aggregate ECC error counts (since the driver loaded) by type.",
                   (f'sum by (node, gpu, type) (ainode_gpu_ecc_errors_total{{{GPU},scope="aggregate"}})',
                    "{{node}} GPU {{gpu}} {{type}}")),
        table("Row remapping", "Remapped rows (by cause), pending remaps and remap failures per GPU.",
              [target(f"sum by (node, gpu) (ainode_gpu_remapped_rows{{{GPU}}})", "remapped"),
               target(f"ainode_gpu_remapped_rows_pending{{{GPU}}}", "pending"),
               target(f"ainode_gpu_remapped_rows_failure{{{GPU}}}", "failure")]),
        row("Interconnect"),
        timeseries("PCIe link width", "Trained width against the maximum: a drop means a link trained down.",
                   [(f"ainode_gpu_pcie_link_width{{{GPU}}}", GPU_LEGEND),
                    (f"max(ainode_gpu_pcie_link_width_max{{{GPU}}})", "maximum")]),
        timeseries("PCIe throughput", "", (f"ainode_gpu_pcie_throughput_bytes{{{GPU}}}", "{{node}} GPU {{gpu}} {{direction}}"),
                   unit="Bps"),
        timeseries("NVLink errors", "NVLink error counters per GPU (CRC, replay, recovery).",
                   (f"sum by (node, gpu, counter) (rate(ainode_gpu_nvlink_errors_total{{{GPU}}}[$__rate_interval]))",
                    "{{node}} GPU {{gpu}} {{counter}}")),
        timeseries("NVLink links up", "", (f"sum by (node, gpu) (ainode_gpu_nvlink_up{{{GPU}}})", GPU_LEGEND)),
    ]
    return dashboard("ainode-gpu", "ainode / GPU fleet",
                     "Per-GPU load, clocks, thermals, power against the limit, throttle reasons, ECC/row remap/XID "
                     "errors and PCIe/NVLink.", panels, gpu=True, tags=["gpu"])


def power_efficiency():
    panels = [
        row("Node power"),
        timeseries("Node power by source", "Each power source ainode reads (RAPL, ACPI meter, BMC DCMI, GPU sum).",
                   (f"ainode_node_power_watts{{{NODE}}}", "{{node}} {{source}}"), unit="watt"),
        timeseries("Node power vs envelope", "The node's power against its configured envelope (power.node_envelope_watts).",
                   [(f"max by (node) (ainode_node_power_watts{{{NODE}}})", "{{node}} power"),
                    (f"ainode_node_power_envelope_watts{{{NODE}}}", "{{node}} envelope")], unit="watt"),
        stat("Energy in range", "Node energy over the dashboard's time range.",
             f"sum(increase(ainode_node_energy_joules_total{{{NODE}}}[$__range])) / 3.6e6", unit="kwatth"),
        stat("Nodes over envelope", "", f"sum(ainode_node_power_envelope_exceeded{{{NODE}}})", thresholds=[(1, "red")]),
        stat("GPU energy in range", "",
             f"sum(increase(ainode_gpu_energy_joules_total{{{NODE}}}[$__range])) / 3.6e6", unit="kwatth"),
        stat("CPU package power", "RAPL package power, all sockets.",
             f'sum(ainode_cpu_package_power_watts{{{NODE},zone="package"}})', unit="watt"),
        row("GPU power"),
        timeseries("GPU power", "", (f"sum by (node, gpu) (ainode_gpu_power_watts{{{NODE}}})", GPU_LEGEND),
                   unit="watt", stack=True),
        timeseries("GPU power limits", "Enforced limit per GPU against the board's default.",
                   [(f'ainode_gpu_power_limit_watts{{{NODE},limit="enforced"}}', "{{node}} GPU {{gpu}} enforced"),
                    (f'ainode_gpu_power_limit_watts{{{NODE},limit="default"}}', "{{node}} GPU {{gpu}} default")],
                   unit="watt"),
        timeseries("Limits set by ainode policies", "1 where an ainode power policy owns the GPU's power limit.",
                   (f"ainode_gpu_power_limit_managed{{{NODE}}}", GPU_LEGEND)),
        row("Model efficiency"),
        timeseries("Tokens per second", "Prompt and generation tokens per model (the model servers ainode scrapes, app.endpoints).",
                   (f"sum by (node, model, type) (rate(ainode_model_tokens_total{{{NODE}}}[$__rate_interval]))",
                    "{{node}} {{model}} {{type}}")),
        timeseries("Tokens per joule", "Generation tokens per joule of the energy attributed to the model (docs/model-efficiency.md).",
                   (f"ainode_model_tokens_per_joule{{{NODE}}}", "{{node}} {{model}} ({{energy_source}})")),
        timeseries("Tokens per kWh", "", (f"ainode_model_tokens_per_joule{{{NODE}}} * 3.6e6", "{{node}} {{model}}")),
        timeseries("Requests per joule", "Successful requests per joule (servers that count requests, e.g. Triton).",
                   (f"ainode_model_requests_per_joule{{{NODE}}}", "{{node}} {{model}} ({{energy_source}})")),
        timeseries("Model energy", "Energy attributed to each model's GPUs.",
                   (f"sum by (node, model) (rate(ainode_model_energy_joules_total{{{NODE}}}[$__rate_interval]))", "{{node}} {{model}}"),
                   unit="watt"),
    ]
    return dashboard("ainode-power", "ainode / Power and efficiency",
                     "Node power by source, energy, the power envelope, GPU power and limits, and model tokens per joule.",
                     panels, tags=["power"])


UP_MAPPINGS = [{"type": "value", "options": {"0": {"text": "down", "color": "red"},
                                             "1": {"text": "up", "color": "green"}}}]


def kubernetes():
    panels = [
        row("Allocation"),
        stat("GPUs allocated", "", f'sum(ainode_k8s_gpu_allocated{{{NODE}}})'),
        stat("GPUs allocatable", "", f'sum(ainode_k8s_gpu_allocatable{{{NODE}}})'),
        stat("Allocated, idle", "GPUs allocated to a pod that used under 5% for the last 15 minutes.",
             f"count(max_over_time(ainode_gpu_utilization_ratio{{{NODE},pod!=\"\"}}[15m]) < 0.05) or vector(0)",
             thresholds=[(1, "orange")]),
        stat("Kubelet PodResources", "1 while the kubelet's PodResources API answers.",
             f"min(ainode_kubelet_pod_resources_up{{{NODE}}})", mappings=UP_MAPPINGS),
        stat("Kubelet /pods", "1 while the kubelet's /pods answers (pod events).",
             f"min(ainode_kubelet_pods_up{{{NODE}}})", mappings=UP_MAPPINGS),
        timeseries("GPU allocation vs use per namespace", "GPUs allocated against GPUs' worth of utilization, per namespace.",
                   [(f"count by (namespace) (ainode_k8s_gpu_allocation_info{{{NODE}}})", "{{namespace}} allocated"),
                    (f'sum by (namespace) (ainode_gpu_utilization_ratio{{{NODE},namespace!=""}})', "{{namespace}} used")]),
        timeseries("Allocation ratio", "", (f"ainode_k8s_gpu_allocation_ratio{{{NODE}}}", "{{node}} {{resource}}"),
                   unit="percentunit", maximum=1),
        table("Pods on GPUs", "Which pod holds which GPU, and what it uses.",
              [target(f"ainode_gpu_utilization_ratio{{{NODE},pod!=\"\"}}", "utilization"),
               target(f"ainode_gpu_memory_used_bytes{{{NODE},pod!=\"\"}}", "memory used"),
               target(f"ainode_gpu_power_watts{{{NODE},pod!=\"\"}}", "power")], width=24),
        row("Pod events"),
        timeseries("Pod events", "Pod lifecycle events the agent derived from the kubelet (evictions, OOM kills, restarts).",
                   (f"sum by (type) (increase(ainode_pod_events_total{{{NODE}}}[$__rate_interval]))", "{{type}}")),
    ]
    return dashboard("ainode-kubernetes", "ainode / Kubernetes",
                     "GPU allocation against use per namespace, idle allocated GPUs, pods on GPUs and pod events.",
                     panels, tags=["kubernetes"])


def aiops():
    panels = [
        row("Root-cause analysis"),
        stat("Open findings", "RCA findings open now (docs: /v1/rca).", f"sum(ainode_rca_open_findings{{{NODE}}}) or vector(0)",
             thresholds=[(1, "orange")]),
        timeseries("Findings by cause", "New RCA findings per cause.",
                   (f"sum by (cause) (increase(ainode_rca_findings_total{{{NODE}}}[$__rate_interval]))", "{{cause}}")),
        table("Open findings per GPU", "", target(f"ainode_rca_open_findings{{{NODE}}}", "open")),
        row("Failure risk"),
        bargauge("Failure risk ranking", "GPUs by failure risk (0..1), highest first.",
                 (f"topk(20, ainode_gpu_failure_risk{{{NODE}}})", GPU_LEGEND), unit="percentunit", minimum=0,
                 maximum=1, thresholds=[(0.3, "orange"), (0.6, "red")]),
        timeseries("Risk reasons", "Weight of each reason in a GPU's risk.",
                   (f"ainode_gpu_failure_risk_reason{{{NODE}}}", "{{node}} GPU {{gpu}} {{reason}}")),
        row("Policies"),
        stat("Active policies", "", f"sum(ainode_policy_active{{{NODE}}})"),
        timeseries("Policy actions", "Actions by profile, action and result (applied, dry_run, failed, ...).",
                   (f"sum by (profile, action, result) (increase(ainode_policy_actions_total{{{NODE}}}[$__rate_interval]))",
                    "{{profile}} {{action}} {{result}}")),
    ]
    return dashboard("ainode-aiops", "ainode / AIOps",
                     "Root-cause findings by cause, GPU failure risk ranking and reasons, and policy actions.",
                     panels, tags=["aiops"])


def agent():
    panels = [
        row("Collectors"),
        timeseries("Collector duration", "Time of each collector's last run.",
                   (f"max by (collector) (ainode_collector_duration_seconds{{{NODE}}})", "{{collector}}"), unit="s"),
        timeseries("Collector errors and timeouts", "",
                   [(f"sum by (collector) (increase(ainode_collector_errors_total{{{NODE}}}[$__rate_interval]))", "{{collector}} errors"),
                    (f"sum by (collector) (increase(ainode_collector_timeouts_total{{{NODE}}}[$__rate_interval]))", "{{collector}} timeouts")]),
        timeseries("Cycle duration", "Time of one whole collection cycle.",
                   (f"ainode_collection_duration_seconds{{{NODE}}}", "{{node}}"), unit="s"),
        timeseries("Snapshot age", "Seconds since the snapshot /metrics serves was collected.",
                   (f"time() - ainode_snapshot_timestamp_seconds{{{NODE}}}", "{{node}}"), unit="s"),
        row("Scrapes"),
        timeseries("Samples per scrape", "Series in each scrape (Prometheus' scrape_samples_scraped).",
                   (f"scrape_samples_scraped{{{NODE}}}", "{{node}}")),
        timeseries("Scrape duration", "Prometheus' scrape_duration_seconds.",
                   (f"scrape_duration_seconds{{{NODE}}}", "{{node}}"), unit="s"),
        timeseries("HTTP and event clients", "",
                   [(f"ainode_event_clients{{{NODE}}}", "{{node}} event clients"),
                    (f"increase(ainode_http_connections_rejected_total{{{NODE}}}[$__rate_interval])", "{{node}} connections rejected")]),
        timeseries("Events by type", "Events published on the bus (/v1/events), by type (docs/events.md).",
                   (f"sum by (type) (increase(ainode_events_total{{{NODE}}}[$__rate_interval]))", "{{type}}")),
        row("Buffer and remote_write"),
        timeseries("remote_write lag", "Newest collected minus newest sent, per receiver.",
                   (f"ainode_remote_write_lag_seconds{{{NODE}}}", "{{node}} {{url}}"), unit="s"),
        timeseries("remote_write samples", "",
                   [(f"sum by (node, url) (rate(ainode_remote_write_samples_sent_total{{{NODE}}}[$__rate_interval]))", "{{node}} sent/s"),
                    (f"sum by (node, url) (rate(ainode_remote_write_samples_failed_total{{{NODE}}}[$__rate_interval]))", "{{node}} failed/s"),
                    (f"sum by (node, url) (rate(ainode_remote_write_retries_total{{{NODE}}}[$__rate_interval]))", "{{node}} retries/s")]),
        timeseries("remote_write pending", "Samples waiting to be sent.",
                   (f"ainode_remote_write_pending_samples{{{NODE}}}", "{{node}} {{url}}")),
        timeseries("Buffer size", "On-disk buffer bytes and cycles kept.",
                   (f"ainode_buffer_disk_bytes{{{NODE}}}", "{{node}}"), unit="bytes"),
        row("Control"),
        timeseries("Control requests", "/v1/control requests by action and result.",
                   (f"sum by (action, result) (increase(ainode_control_requests_total{{{NODE}}}[$__rate_interval]))", "{{action}} {{result}}")),
        timeseries("Audit log", "",
                   [(f"increase(ainode_audit_records_total{{{NODE}}}[$__rate_interval])", "{{node}} records"),
                    (f"increase(ainode_audit_write_errors_total{{{NODE}}}[$__rate_interval])", "{{node}} write errors")]),
    ]
    return dashboard("ainode-agent", "ainode / Agent",
                     "ainode itself: collector durations, errors and timeouts, scrapes, the buffer and remote_write.",
                     panels, tags=["agent"])


# File name (deploy/grafana/<name>.json) -> builder.
DASHBOARDS = {
    "ainode-node": node_overview,
    "ainode-gpu": gpu_fleet,
    "ainode-power": power_efficiency,
    "ainode-kubernetes": kubernetes,
    "ainode-aiops": aiops,
    "ainode-agent": agent,
}
