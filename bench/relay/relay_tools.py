#!/usr/bin/env python3
"""Helpers of relay-bench.sh: one sender for all N UDP streams, one viewer process, one sampler.

  send   --clip F --ports P1,P2,... --seconds S --out JSON
  view   --mode sluice|ffmpeg ... --warmup W --seconds S --out JSON
  sample --pids 1,2,... --warmup W --seconds S --out JSON

Each runs a bounded time and writes its figures as JSON. Only 127.0.0.1 is used.
"""
import argparse, json, os, re, resource, selectors, socket, sys, threading, time, urllib.request

TS = 188
DGRAM = 7 * TS  # 1316 bytes: the usual MPEG-TS over UDP datagram


# ---------------------------------------------------------------- sender

def parse_clip(data):
    """Offsets of every timestamp and continuity counter, so each loop can be shifted forward
    (PCR/PTS/DTS + loop duration, CC + packets per PID) and the streams stay continuous."""
    pcr_at, pts_at, cc_at = [], [], []  # (offset) lists; cc_at: (offset, pid)
    payload_count = {}
    pts_by_stream = {}
    for off in range(0, len(data), TS):
        if data[off] != 0x47:
            raise SystemExit(f"clip: lost sync at byte {off}")
        pid = ((data[off + 1] & 0x1F) << 8) | data[off + 2]
        if pid == 0x1FFF:
            continue
        afc = (data[off + 3] >> 4) & 3
        cc_at.append((off + 3, pid))
        if afc & 1:
            payload_count[pid] = payload_count.get(pid, 0) + 1
        p = off + 4
        if afc & 2:
            af_len = data[p]
            if af_len >= 7 and data[p + 1] & 0x10:
                pcr_at.append(p + 2)
            p += 1 + af_len
        if afc & 1 and data[off + 1] & 0x40 and p + 14 <= off + TS and data[p:p + 3] == b"\x00\x00\x01":
            sid = data[p + 3]
            if sid >= 0xBC and sid not in (0xBE, 0xBF):
                flags = data[p + 7] >> 6
                if flags & 2:
                    pts_at.append(p + 9)
                    pts_by_stream.setdefault(sid, []).append(read_pts(data, p + 9))
                if flags == 3:
                    pts_at.append(p + 14)
    return pcr_at, pts_at, cc_at, payload_count, pts_by_stream


def read_pts(b, o):
    return ((b[o] >> 1) & 7) << 30 | b[o + 1] << 22 | (b[o + 2] >> 1) << 15 | b[o + 3] << 7 | b[o + 4] >> 1


def write_pts(b, o, v):
    v &= (1 << 33) - 1
    b[o] = (b[o] & 0xF0) | ((v >> 29) & 0x0E) | 1
    b[o + 1] = (v >> 22) & 0xFF
    b[o + 2] = ((v >> 14) & 0xFE) | 1
    b[o + 3] = (v >> 7) & 0xFF
    b[o + 4] = ((v << 1) & 0xFE) | 1


def shifted_loop(clip, parsed, k, d90):
    pcr_at, pts_at, cc_at, payload_count, _ = parsed
    b = bytearray(clip)
    if k == 0:
        return b
    for o in pts_at:
        write_pts(b, o, read_pts(b, o) + k * d90)
    for o in pcr_at:
        base = b[o] << 25 | b[o + 1] << 17 | b[o + 2] << 9 | b[o + 3] << 1 | b[o + 4] >> 7
        base = (base + k * d90) & ((1 << 33) - 1)
        b[o] = base >> 25 & 0xFF
        b[o + 1] = base >> 17 & 0xFF
        b[o + 2] = base >> 9 & 0xFF
        b[o + 3] = base >> 1 & 0xFF
        b[o + 4] = (b[o + 4] & 0x7F) | (base & 1) << 7
    for o, pid in cc_at:
        b[o] = (b[o] & 0xF0) | ((b[o] + k * payload_count.get(pid, 0)) & 0x0F)
    return b


def cmd_send(a):
    clip = open(a.clip, "rb").read()
    null = b"\x47\x1f\xff\x10" + b"\xff" * 184
    clip += null * ((-len(clip) // TS) % 7)  # whole datagrams per loop: pad with null packets
    parsed = parse_clip(clip)
    # one loop lasts until the end of its longest track, so every track's timestamps keep increasing
    spans = parsed[4].values()
    d90 = max(v[-1] + (v[-1] - v[-2] if len(v) > 1 else 3600) for v in spans) - min(v[0] for v in spans)
    loop_s = d90 / 90000.0
    byte_rate = len(clip) / loop_s
    ports = [int(p) for p in a.ports.split(",")]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    addrs = [("127.0.0.1", p) for p in ports]
    loops = {0: shifted_loop(clip, parsed, 0, d90)}
    nxt = {}

    def prepare(k):
        nxt[k] = shifted_loop(clip, parsed, k, d90)

    threading.Thread(target=prepare, args=(1,), daemon=True).start()
    pos = 0  # bytes sent per stream
    t0 = time.monotonic()
    end = t0 + a.seconds
    max_lag = 0.0
    lag_sum, ticks = 0.0, 0
    errors = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - t0) * byte_rate)
        lag = (due - pos) / byte_rate
        max_lag = max(max_lag, lag)
        lag_sum += lag
        ticks += 1
        while pos + DGRAM <= due:
            k, off = divmod(pos, len(clip))
            buf = loops.get(k)
            if buf is None:
                while k not in nxt:
                    time.sleep(0.001)
                loops = {k: nxt.pop(k)}
                buf = loops[k]
                threading.Thread(target=prepare, args=(k + 1,), daemon=True).start()
            view = memoryview(buf)[off: off + DGRAM]
            for ad in addrs:
                try:
                    sock.sendto(view, ad)
                except OSError:
                    errors += 1
            pos += DGRAM
        time.sleep(0.002)
    wall = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out = {"streams": len(ports), "seconds": round(wall, 3), "target_mbps": round(byte_rate * 8 / 1e6, 3),
           "sent_mbps_per_stream": round(pos * 8 / wall / 1e6, 3), "loop_s": round(loop_s, 3),
           "max_lag_ms": round(max_lag * 1000, 1), "avg_lag_ms": round(lag_sum / max(ticks, 1) * 1000, 2),
           "send_errors": errors, "cpu_s": round(ru.ru_utime + ru.ru_stime, 2),
           "cpu_pct": round((ru.ru_utime + ru.ru_stime) / wall * 100, 1)}
    json.dump(out, open(a.out, "w"))


# ---------------------------------------------------------------- viewer

def cmd_view(a):
    n = a.n
    t0 = time.monotonic()
    w0, w1 = t0 + a.warmup, t0 + a.warmup + a.seconds
    stop = t0 + a.warmup + a.seconds + 0.5
    counted = [0] * n      # bytes of the continuous output inside the sampling window
    total = [0] * n
    sel = selectors.DefaultSelector()
    buf = bytearray(1 << 18)
    connect_errors = 0
    if a.mode == "sluice":
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", a.http), timeout=10)
            s.sendall(f"GET /s{i + 1}/mpegts HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: relay-bench\r\n\r\n".encode())
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)
    elif a.mode == "ffmpeg":
        for i in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.bind(("127.0.0.1", a.out_base + i + 1))
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)

    hls = [{"first_seq": None, "last_seq": None, "segments": 0, "segment_bytes": 0, "errors": 0} for _ in range(n)]

    def hls_loop(i):
        # one poller per stream (a playlist request may wait for the stream's first segment):
        # playlist + newest segment every ~2 s
        last = None
        h = hls[i]
        while time.monotonic() < stop - 0.5:
            tick = time.monotonic()
            try:
                if a.mode == "hls":  # HLS only, from a URL template (the RTMP mode: Sluice and nginx-rtmp over HTTP)
                    base = a.hls_url.replace("{i}", str(i + 1))
                    pl = urllib.request.urlopen(base + "index.m3u8", timeout=10).read().decode()
                elif a.mode == "sluice":
                    base = f"http://127.0.0.1:{a.http}/s{i + 1}/"
                    pl = urllib.request.urlopen(base + "index.m3u8", timeout=10).read().decode()
                else:
                    base = os.path.join(a.hls_dir, f"s{i + 1}") + "/"
                    pl = open(base + "index.m3u8").read()
                m = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", pl)
                uris = [l for l in pl.splitlines() if l and not l.startswith("#")]
                if not m or not uris:
                    raise ValueError("empty playlist")
                seq = int(m.group(1)) + len(uris) - 1
                if uris[-1] != last:
                    last = uris[-1]
                    if a.mode in ("sluice", "hls"):
                        data = urllib.request.urlopen(base + uris[-1], timeout=10).read()
                    else:
                        data = open(base + uris[-1], "rb").read()
                    now = time.monotonic()
                    if w0 <= now <= w1:
                        h["segments"] += 1
                        h["segment_bytes"] += len(data)
                now = time.monotonic()
                if w0 <= now <= w1:
                    if h["first_seq"] is None:
                        h["first_seq"] = seq
                    h["last_seq"] = seq
            except Exception:
                if w0 <= time.monotonic() <= w1:
                    h["errors"] += 1
            time.sleep(max(0.0, 2.0 - (time.monotonic() - tick)))

    pollers = [threading.Thread(target=hls_loop, args=(i,), daemon=True) for i in range(n)]
    for th in pollers:
        th.start()
    closed = 0
    while True:
        now = time.monotonic()
        if now >= stop:
            break
        for key, _ in sel.select(timeout=0.2):
            i = key.data
            try:
                got = key.fileobj.recv_into(buf)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                got = 0
            if got == 0 and a.mode == "sluice":
                sel.unregister(key.fileobj)
                closed += 1
                continue
            total[i] += got
            if w0 <= time.monotonic() <= w1:
                counted[i] += got
    for th in pollers:
        th.join(timeout=max(0.1, stop + 15 - time.monotonic()))
    mbps = [c * 8 / a.seconds / 1e6 for c in counted]
    # hls mode has no continuous output: its figures are 0
    adv = [(h["last_seq"] - h["first_seq"]) if h["first_seq"] is not None else 0 for h in hls]
    out = {"streams": n, "continuous_mbps_min": round(min(mbps), 3), "continuous_mbps_avg": round(sum(mbps) / n, 3),
           "continuous_mbps_max": round(max(mbps), 3), "continuous_closed": closed,
           "hls_seq_advance_min": min(adv), "hls_seq_advance_max": max(adv),
           "hls_segments_fetched": sum(h["segments"] for h in hls),
           "hls_segment_mbytes": round(sum(h["segment_bytes"] for h in hls) / 1e6, 1),
           "hls_errors": sum(h["errors"] for h in hls), "connect_errors": connect_errors}
    json.dump(out, open(a.out, "w"))


# ---------------------------------------------------------------- sampler

def proc_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


def proc_mem_kb(pid):
    rss = pss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def loadavg():
    return open("/proc/loadavg").read().split()[0]


def archive_snapshot(root):
    """Per stream folder under root: finished fragments (*.ts) and bytes of all files (the one being written too)."""
    per = {}
    for top in (os.listdir(root) if os.path.isdir(root) else []):
        files = size = 0
        for d, _, names in os.walk(os.path.join(root, top)):
            for f in names:
                try:
                    size += os.path.getsize(os.path.join(d, f))
                except OSError:
                    continue
                files += f.endswith(".ts")
        per[top] = (files, size)
    return per


def cmd_sample(a):
    pids = [int(p) for p in a.pids.split(",")]
    hz = os.sysconf("SC_CLK_TCK")
    time.sleep(a.warmup)
    load0 = loadavg()
    a0 = archive_snapshot(a.archive) if a.archive else None
    c0 = sum(proc_cpu_ticks(p) for p in pids)
    t0 = time.monotonic()
    rss_s, pss_s = [], []
    end = t0 + a.seconds
    while True:
        r = p_ = 0
        for p in pids:
            x, y = proc_mem_kb(p)
            r += x
            p_ += y
        rss_s.append(r)
        pss_s.append(p_)
        now = time.monotonic()
        if now >= end:
            break
        time.sleep(min(1.0, end - now))
    c1 = sum(proc_cpu_ticks(p) for p in pids)
    wall = time.monotonic() - t0
    a1 = archive_snapshot(a.archive) if a.archive else None
    out = {"processes": len(pids), "seconds": round(wall, 2), "cpu_pct": round((c1 - c0) / hz / wall * 100, 1),
           "rss_mb_avg": round(sum(rss_s) / len(rss_s) / 1024, 1), "rss_mb_max": round(max(rss_s) / 1024, 1),
           "pss_mb_avg": round(sum(pss_s) / len(pss_s) / 1024, 1), "pss_mb_max": round(max(pss_s) / 1024, 1),
           "load_start": load0, "load_end": loadavg()}
    if a.archive:
        new = [a1[k][0] - a0.get(k, (0, 0))[0] for k in a1]
        out["archive_streams"] = len(a1)
        out["archive_fragments_min"], out["archive_fragments_max"] = (min(new), max(new)) if new else (0, 0)
        out["archive_write_mbps"] = round(sum(a1[k][1] - a0.get(k, (0, 0))[1] for k in a1) * 8 / wall / 1e6, 1)
    json.dump(out, open(a.out, "w"))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--clip", required=True)
    s.add_argument("--ports", required=True)
    s.add_argument("--seconds", type=float, required=True)
    s.add_argument("--out", required=True)
    v = sub.add_parser("view")
    v.add_argument("--mode", choices=["sluice", "ffmpeg", "hls"], required=True)
    v.add_argument("--hls-url", default="", help="hls mode: the playlist folder's URL, {i} for the stream number")
    v.add_argument("--n", type=int, required=True)
    v.add_argument("--http", type=int, default=0)
    v.add_argument("--out-base", type=int, default=0)
    v.add_argument("--hls-dir", default="")
    v.add_argument("--warmup", type=float, required=True)
    v.add_argument("--seconds", type=float, required=True)
    v.add_argument("--out", required=True)
    m = sub.add_parser("sample")
    m.add_argument("--pids", required=True)
    m.add_argument("--warmup", type=float, required=True)
    m.add_argument("--seconds", type=float, required=True)
    m.add_argument("--archive", default="", help="a recording folder (one folder per stream): fragments and bytes written in the window")
    m.add_argument("--out", required=True)
    a = ap.parse_args()
    {"send": cmd_send, "view": cmd_view, "sample": cmd_sample}[a.cmd](a)


if __name__ == "__main__":
    main()
