#!/usr/bin/env python3
"""Cluster-ingest chaos benchmark: 3 real sluice servers on 127.0.0.1, .2 and .3, 30 cluster_ingest streams, random
kill -9 / restart and SIGSTOP / SIGCONT of a server, for one strategy (peers or etcd). Every 100 ms each
server's GET /api/v1/cluster is sampled; per stream it counts the seconds with no capture, the seconds
captured twice, the moves, the failover times (from the fault to the stream captured again) and the balance.

    bench/cluster-chaos/chaos.py --strategy both --minutes 10    # peers, then etcd, in the same run
    bench/cluster-chaos/chaos.py --strategy etcd --minutes 10    # needs /usr/bin/etcd (scripts/install-deps.sh)

Build first: dotnet build Plugins.sln -c Release (or pass --host, e.g. a copy of host/bin/Release/net10.0, so
that a rebuild during the run changes nothing). Stdlib only; run with /usr/bin/python3.
"""
import argparse, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = os.path.join(ROOT, "host", "bin", "Release", "net10.0", "sluice")
HOST_EXE = HOST
KEY = "chaos-bench-key"


def free_port(kind=socket.SOCK_STREAM, addresses=("127.0.0.1",)):
    """A port free on every address (the servers use one port on 127.0.0.1, .2 and .3)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind((addresses[0], 0))
            port = s.getsockname()[1]
        try:
            for a in addresses[1:]:
                with socket.socket(socket.AF_INET, kind) as t:
                    t.bind((a, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


class Node:
    def __init__(self, name, config, folder):
        self.name, self.folder = name, folder
        self.conf = os.path.join(folder, "sluice.conf")
        with open(self.conf, "w") as f:
            f.write(f"http {name};\nhostname node-{name.replace('.', '-').replace(':', '-')};\nloglevel warning;\n" + config)
        self.proc, self.frozen = None, False

    def start(self):
        log = open(os.path.join(self.folder, "sluice.log"), "ab")
        self.proc = subprocess.Popen([HOST_EXE, "run", "-c", self.conf], cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        self.frozen = False

    def up(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.up():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def freeze(self):
        self.proc.send_signal(signal.SIGSTOP); self.frozen = True

    def resume(self):
        self.proc.send_signal(signal.SIGCONT); self.frozen = False

    def view(self):
        if not self.up() or self.frozen:
            return None
        try:
            with urllib.request.urlopen(f"http://{self.name}/api/v1/cluster", timeout=1.0) as r:
                return json.load(r)
        except Exception:
            return None


def main():
    global HOST_EXE
    ap = argparse.ArgumentParser()
    ap.add_argument("--strategy", choices=["peers", "etcd", "both"], required=True)
    ap.add_argument("--host", default=os.path.dirname(HOST), help="folder of the built host (sluice and its plugins/)")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--streams", type=int, default=30)
    ap.add_argument("--fetch-ms", type=int, default=1000)
    ap.add_argument("--stale-ms", type=int, default=3000)
    ap.add_argument("--lease-ttl", type=int, default=3)
    ap.add_argument("--fault-every", type=float, default=20, help="seconds between faults (random 0.5x..1.5x)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--keep-logs", action="store_true", help="keep the servers' folders (sluice.log of each) and print where")
    args = ap.parse_args()
    HOST_EXE = os.path.join(args.host, "sluice")
    reports = [run(args, s) for s in (["peers", "etcd"] if args.strategy == "both" else [args.strategy])]
    print(json.dumps(reports if len(reports) > 1 else reports[0], indent=2))


def run(args, strategy):
    random.seed(args.seed)
    work = tempfile.mkdtemp(prefix="sluice-chaos-")
    port = free_port(addresses=("127.0.0.1", "127.0.0.2", "127.0.0.3"))
    names = [f"127.0.0.{i}:{port}" for i in (1, 2, 3)]
    udp = free_port(socket.SOCK_DGRAM)
    streams = [f"cam{i:02d}" for i in range(1, args.streams + 1)]
    etcd = None
    if strategy == "etcd":
        cport, pport = free_port(), free_port()
        # The data in memory (/dev/shm) where there is one: the figures are the strategy's, not a shared disk's fsync.
        data = tempfile.mkdtemp(prefix="sluice-chaos-etcd-", dir="/dev/shm" if os.path.isdir("/dev/shm") else work)
        etcd = subprocess.Popen(["/usr/bin/etcd", "--name", "chaos", "--data-dir", data,
                                 "--listen-client-urls", f"http://127.0.0.1:{cport}", "--advertise-client-urls", f"http://127.0.0.1:{cport}",
                                 "--listen-peer-urls", f"http://127.0.0.1:{pport}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{pport}",
                                 "--initial-cluster", f"chaos=http://127.0.0.1:{pport}", "--log-level", "error"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cluster = f"cluster_ingest_engine etcd://127.0.0.1:{cport} {{ lease_ttl {args.lease_ttl}s; }}\n"
        goal = args.lease_ttl + 2
    else:
        cluster = f"cluster_key {KEY};\n" + "".join(
            f"peer {n} {{ fetch_timeout {args.fetch_ms}; stale_timeout {args.stale_ms}; }}\n" for n in names)
        goal = args.stale_ms / 1000 + 2
    body = "".join(f"stream {s} {{ input udp://127.0.0.1:{udp + i + 1}; cluster_ingest; }}\n" for i, s in enumerate(streams))
    nodes = []
    for n in names:
        folder = os.path.join(work, n.replace(":", "_")); os.makedirs(folder)
        nodes.append(Node(n, cluster + body, folder))
    for n in nodes:
        n.start()

    samples, faults, healed, lock, stop = [], [], [], threading.Lock(), threading.Event()

    def sampler():
        while not stop.is_set():
            t0 = time.monotonic()
            views, threads = {}, []
            def take(n):
                views[n.name] = n.view()
            for n in nodes:
                th = threading.Thread(target=take, args=(n,)); th.start(); threads.append(th)
            for th in threads:
                th.join()
            captured = {s: [] for s in streams}
            for name, v in views.items():
                if v is None:
                    continue
                for st in v.get("streams", []):
                    if st.get("captured_here") and st["name"] in captured:
                        captured[st["name"]].append(name)
            answering = sum(1 for v in views.values() if v is not None)
            with lock:
                samples.append((t0, captured, answering))
            time.sleep(max(0, 0.1 - (time.monotonic() - t0)))

    # Wait for the first full placement before the clock starts.
    deadline = time.monotonic() + 60
    th = threading.Thread(target=sampler, daemon=True); th.start()
    while time.monotonic() < deadline:
        with lock:
            last = samples[-1][1] if samples else None
        if last and all(len(v) == 1 for v in last.values()):
            break
        time.sleep(0.2)
    start = time.monotonic()
    with lock:
        samples.clear()
    end = start + args.minutes * 60
    while time.monotonic() < end - 15:
        time.sleep(args.fault_every * random.uniform(0.5, 1.5))
        victim = random.choice([n for n in nodes if n.up()])
        kind = random.choice(["kill", "stop"])
        held = None
        with lock:
            if samples:
                held = [s for s, where in samples[-1][1].items() if victim.name in where]
        at = time.monotonic()
        faults.append((at, kind, victim.name, held or []))
        print(f"[{strategy} {at - start:6.1f}s] {kind} {victim.name} ({len(held or [])} streams)", flush=True)
        outage = random.uniform(goal + 1, goal + 6)
        if kind == "kill":
            victim.kill(); time.sleep(outage); victim.start()
        else:
            victim.freeze(); time.sleep(outage); victim.resume()
        healed.append(time.monotonic())
    while time.monotonic() < end:
        time.sleep(0.5)
    stop.set(); th.join()

    # Figures.
    dt = 0.1
    uncaptured = {s: 0.0 for s in streams}
    twice = {s: 0.0 for s in streams}
    moves = {s: 0 for s in streams}
    owner = {s: None for s in streams}
    per_server = []
    settle = 10.0  # balance only once the group has settled: every server answering, 10 s after the last fault healed
    for t, cap, answering in samples:
        counts = {n.name: 0 for n in nodes}
        for s, where in cap.items():
            if not where:
                uncaptured[s] += dt
            elif len(where) > 1:
                twice[s] += dt
            if len(where) == 1:
                if owner[s] is not None and owner[s] != where[0]:
                    moves[s] += 1
                owner[s] = where[0]
                counts[where[0]] += 1
        last_heal = max((h for h in healed if h <= t), default=start)
        if answering == len(nodes) and all(len(w) == 1 for w in cap.values()) and t - last_heal >= settle \
                and not any(at <= t for at, *_ in faults if at > last_heal):
            per_server.append(counts)
    failovers = []
    for at, kind, victim, held in faults:
        for s in held:
            for t, cap, _ in samples:
                if t > at and cap[s] and victim not in cap[s]:
                    failovers.append(t - at); break
    failovers.sort()
    def pct(q):
        return failovers[min(len(failovers) - 1, int(q * len(failovers)))] if failovers else float("nan")
    balance = [max(c.values()) / max(1, min(c.values())) for c in per_server]
    report = {
        "strategy": strategy, "minutes": args.minutes, "streams": len(streams), "samples": len(samples),
        "faults": {"kill": sum(1 for f in faults if f[1] == "kill"), "stop": sum(1 for f in faults if f[1] == "stop")},
        "uncaptured_s_total": round(sum(uncaptured.values()), 1), "uncaptured_s_max_stream": round(max(uncaptured.values()), 1),
        "twice_s_total": round(sum(twice.values()), 1), "twice_s_max_stream": round(max(twice.values()), 1),
        "moves_total": sum(moves.values()),
        "failover_s": {"n": len(failovers), "p50": round(pct(0.5), 2), "p90": round(pct(0.9), 2), "max": round(failovers[-1], 2) if failovers else None, "goal": goal},
        "balance_settled": {"samples": len(per_server), "max_over_min_mean": round(sum(balance) / len(balance), 2) if balance else None,
                            "max_over_min_worst": round(max(balance), 2) if balance else None,
                            "last": sorted(per_server[-1].values(), reverse=True) if per_server else None},
    }
    for n in nodes:
        if n.frozen:
            n.resume()
        n.kill()
    if etcd:
        etcd.kill(); etcd.wait()
        shutil.rmtree(data, ignore_errors=True)
    if args.keep_logs:
        print(f"{strategy}: servers' logs kept in {work}/*/sluice.log", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
