#!/usr/bin/env python3
"""Runs ainode against the real NVML on a GPU machine and records what nvidia-smi
says at the same moments, for docs/gpu-verification.md.

Read-only by design: it never changes power limits, clocks, MIG, persistence or
compute mode. The load phase only runs a matrix-product loop (PyTorch when it is
installed) so that utilization, power, clocks and the process list move.

Usage: gpu_verify.py AINODE_BINARY OUT_DIR
Writes: smi_query.txt, smi_csv.txt, metrics_idle.prom, metrics_load.prom,
status_load.json, agent.log, bench.json into OUT_DIR.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

PORT = 9109
QUERY_FIELDS = (
    "index,uuid,name,pci.bus_id,driver_version,serial,vbios_version,utilization.gpu,utilization.memory,"
    "memory.total,memory.used,memory.free,memory.reserved,temperature.gpu,temperature.memory,power.draw,"
    "power.limit,enforced.power.limit,power.default_limit,power.min_limit,power.max_limit,clocks.sm,clocks.mem,"
    "clocks.gr,clocks.video,clocks.max.sm,clocks.max.mem,clocks.max.gr,pstate,pcie.link.gen.current,"
    "pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max,ecc.mode.current,ecc.mode.pending,"
    "ecc.errors.corrected.volatile.total,ecc.errors.uncorrected.volatile.total,"
    "ecc.errors.corrected.aggregate.total,ecc.errors.uncorrected.aggregate.total,mig.mode.current,"
    "mig.mode.pending,fan.speed,temperature.gpu.tlimit"
)
# Asked one by one: a field unknown to this driver must not sink the main query.
OPTIONAL_FIELDS = ["clocks_event_reasons.active", "clocks_throttle_reasons.active", "power.draw.instant",
                   "power.draw.average", "total_energy_consumption", "retired_pages.pending",
                   "remapped_rows.correctable", "remapped_rows.uncorrectable", "remapped_rows.pending",
                   "remapped_rows.failure", "pcie.link.gen.gpucurrent", "pcie.link.gen.hostmax"]

LOAD_PROGRAM = r"""
import time, torch
a = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16)
b = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16)
hold = torch.empty(6 * 1024**3, dtype=torch.uint8, device='cuda')  # 6 GiB, visible as process memory
end = time.time() + float(__import__('sys').argv[1])
while time.time() < end:
    for _ in range(50):
        c = a @ b
    torch.cuda.synchronize()
"""


def run(command):
    return subprocess.run(command, capture_output=True, text=True).stdout


def smi_csv():
    text = "# query-gpu\n" + run(["nvidia-smi", "--query-gpu=" + QUERY_FIELDS, "--format=csv,nounits"])
    for field in OPTIONAL_FIELDS:
        answer = subprocess.run(["nvidia-smi", "--query-gpu=" + field, "--format=csv,nounits"],
                                capture_output=True, text=True)
        text += f"# {field} (rc {answer.returncode})\n{answer.stdout}{answer.stderr}"
    text += "# compute-apps\n" + run(["nvidia-smi", "--query-compute-apps=pid,process_name,used_gpu_memory",
                                      "--format=csv,nounits"])
    return text


def get(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as response:
        return response.read().decode()


def start_agent(binary, log, extra):
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(os.path.abspath(binary)))
    agent = subprocess.Popen([binary, "--web.listen-address", f"127.0.0.1:{PORT}", "--collect.interval", "1s"]
                             + extra, stdout=log, stderr=subprocess.STDOUT, env=env)
    for _ in range(100):
        try:
            get("/readyz")
            return agent
        except OSError:
            time.sleep(0.1)
    raise SystemExit("agent did not become ready")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def collector_duration(metrics_text, collector):
    for line in metrics_text.splitlines():
        if line.startswith("ainode_collector_duration_seconds{") and f'collector="{collector}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return None


def bench(binary, out, seconds=30, smi_runs=20):
    """CPU of the agent collecting only GPUs at 1 s vs one nvidia-smi query of the same fields."""
    with open(os.devnull, "w") as quiet:
        agent = start_agent(binary, quiet, ["--collect.disable-defaults", "--collector.gpu"])
        time.sleep(3)
        before, started = cpu_seconds(agent.pid), time.time()
        durations = []
        while time.time() - started < seconds:
            time.sleep(1)
            durations.append(collector_duration(get("/metrics"), "gpu"))
        agent_cpu = cpu_seconds(agent.pid) - before
        elapsed = time.time() - started
        agent.terminate()
        agent.wait()
    children_before, walls = os.times(), []
    for _ in range(smi_runs):
        begin = time.perf_counter()
        run(["nvidia-smi", "--query-gpu=" + QUERY_FIELDS, "--format=csv,nounits"])
        walls.append(time.perf_counter() - begin)
    children_after = os.times()
    smi_cpu = (children_after.children_user - children_before.children_user
               + children_after.children_system - children_before.children_system) / smi_runs
    durations = sorted(d for d in durations if d is not None)
    result = {
        "agent_cpu_seconds_per_second": agent_cpu / elapsed,
        "agent_gpu_collector_duration_seconds_median": durations[len(durations) // 2] if durations else None,
        "agent_gpu_collector_duration_seconds_max": durations[-1] if durations else None,
        "nvidia_smi_query_wall_seconds_median": sorted(walls)[len(walls) // 2],
        "nvidia_smi_query_cpu_seconds_mean": smi_cpu,
        "window_seconds": elapsed,
    }
    json.dump(result, open(os.path.join(out, "bench.json"), "w"), indent=2)


def main():
    binary, out = sys.argv[1], sys.argv[2]
    open(os.path.join(out, "smi_query.txt"), "w").write(run(["nvidia-smi"]) + run(["nvidia-smi", "-q"]))
    csv = open(os.path.join(out, "smi_csv.txt"), "w")
    log = open(os.path.join(out, "agent.log"), "w")
    agent = start_agent(binary, log, ["--gpu.enable-events", "--gpu.enable-mig", "--log.level", "debug"])
    time.sleep(4)
    csv.write("## idle, before scrape\n" + smi_csv())
    open(os.path.join(out, "metrics_idle.prom"), "w").write(get("/metrics"))
    csv.write("## idle, after scrape\n" + smi_csv())
    load = subprocess.Popen([sys.executable, "-c", LOAD_PROGRAM, "40"], stdout=log, stderr=subprocess.STDOUT)
    time.sleep(15)
    csv.write("## load, before scrape\n" + smi_csv())
    open(os.path.join(out, "metrics_load.prom"), "w").write(get("/metrics"))
    open(os.path.join(out, "status_load.json"), "w").write(get("/v1/status"))
    csv.write("## load, after scrape\n" + smi_csv())
    csv.write(f"## load pid {load.pid}\n")
    load.wait()
    agent.terminate()
    agent.wait()
    bench(binary, out)


if __name__ == "__main__":
    main()
