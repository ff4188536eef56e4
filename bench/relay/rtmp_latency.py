#!/usr/bin/env python3
"""Start-up latency of an RTMP server, for rtmp-bench.sh --latency: per trial, a fresh stream is published
(ffmpeg -re -c copy, like the load benchmark), and the tool measures

  publish -> HLS: from starting the publisher to the first segment of the stream's playlist answering 200;
  play -> frame:  from sending `play` (a minimal RTMP player written here from the RTMP 1.0 specification) to
                  the first coded video frame, and to the first keyframe, on a stream that has been running for
                  a few seconds (what a GOP cache shortens).

  rtmp_latency.py --rtmp rtmp://127.0.0.1:PORT/live --hls-url 'http://127.0.0.1:PORT/live/{name}/index.m3u8'
                  --flv CLIP --trials 5 --out JSON

Only 127.0.0.1 is used; every wait is bounded.
"""
import argparse, json, os, random, socket, statistics, struct, subprocess, time, urllib.parse, urllib.request


def amf_string(s):
    b = s.encode()
    return b"\x02" + struct.pack(">H", len(b)) + b


def amf_number(n):
    return b"\x00" + struct.pack(">d", n)


def amf_object(props):
    out = b"\x03"
    for k, v in props.items():
        kb = k.encode()
        out += struct.pack(">H", len(kb)) + kb + (amf_string(v) if isinstance(v, str) else amf_number(v))
    return out + b"\x00\x00\x09"


def amf_values(b):
    """The AMF0 values of a command (numbers, booleans, strings, objects and ECMA arrays as dicts, null)."""
    out, at = [], 0

    def value():
        nonlocal at
        m = b[at]; at += 1
        if m == 0:
            at += 8; return struct.unpack(">d", b[at - 8:at])[0]
        if m == 1:
            at += 1; return b[at - 1] != 0
        if m == 2:
            n = struct.unpack(">H", b[at:at + 2])[0]; at += 2 + n; return b[at - n:at].decode(errors="replace")
        if m in (3, 8):
            if m == 8:
                at += 4
            d = {}
            while True:
                n = struct.unpack(">H", b[at:at + 2])[0]; at += 2
                if n == 0 and b[at] == 9:
                    at += 1; return d
                k = b[at:at + n].decode(errors="replace"); at += n
                d[k] = value()
        if m in (5, 6):
            return None
        raise ValueError(f"AMF0 marker {m}")

    while at < len(b):
        out.append(value())
    return out


class Player:
    """Handshake, connect, createStream, play; then reads messages (every chunk header type)."""

    def __init__(self, host, port, app, deadline):
        self.s = socket.create_connection((host, port), timeout=max(0.1, deadline - time.monotonic()))
        self.deadline, self.chunk, self.streams = deadline, 128, {}
        self.s.sendall(b"\x03" + bytes(8) + os.urandom(1528))
        s1 = self.read(1 + 1536)[1:]
        self.read(1536)
        self.s.sendall(s1)
        self.send(2, 1, 0, struct.pack(">I", 4096))
        self.send(3, 20, 0, amf_string("connect") + amf_number(1) + amf_object({"app": app, "tcUrl": f"rtmp://{host}:{port}/{app}"}))
        self.send(3, 20, 0, amf_string("createStream") + amf_number(2) + b"\x05")
        while True:
            t, _, body = self.message()
            values = amf_values(body) if t == 20 else []
            if values[:2] == ["_result", 2.0]:
                self.stream_id = int(values[3]) if len(values) > 3 and isinstance(values[3], float) else 1
                break

    def play(self, name):
        self.send(8, 20, self.stream_id, amf_string("play") + amf_number(3) + b"\x05" + amf_string(name) + amf_number(-2))

    def read(self, n):
        buf = b""
        while len(buf) < n:
            self.s.settimeout(max(0.05, self.deadline - time.monotonic()))
            part = self.s.recv(n - len(buf))
            if not part:
                raise EOFError("server closed")
            buf += part
        return buf

    def send(self, csid, mtype, msid, body):
        out = bytes([csid]) + (0).to_bytes(3, "big") + len(body).to_bytes(3, "big") + bytes([mtype]) + struct.pack("<I", msid)
        for i in range(0, max(len(body), 1), 4096):
            if i:
                out += bytes([0xC0 | csid])
            out += body[i:i + 4096]
        self.s.sendall(out)

    def message(self):
        while True:
            b0 = self.read(1)[0]
            fmt, csid = b0 >> 6, b0 & 0x3F
            if csid == 0:
                csid = 64 + self.read(1)[0]
            elif csid == 1:
                x = self.read(2)
                csid = 64 + x[0] + 256 * x[1]
            st = self.streams.setdefault(csid, {"len": 0, "type": 0, "ext": False, "body": None})
            field = 0
            if fmt <= 2:
                field = int.from_bytes(self.read(3), "big")
            if fmt <= 1:
                h = self.read(4)
                st["len"], st["type"] = int.from_bytes(h[:3], "big"), h[3]
            if fmt == 0:
                self.read(4)
            if fmt <= 2:
                st["ext"] = field == 0xFFFFFF
            if st["ext"]:
                self.read(4)
            if st["body"] is None:
                st["body"] = b""
            st["body"] += self.read(min(self.chunk, st["len"] - len(st["body"])))
            if len(st["body"]) < st["len"]:
                continue
            body, st["body"] = st["body"], None
            if st["type"] == 1:
                self.chunk = struct.unpack(">I", body[:4])[0] & 0x7FFFFFFF
                continue
            return st["type"], csid, body

    def close(self):
        self.s.close()


def is_coded_video(body):
    """(coded frame?, keyframe?) of a video tag body: legacy AVC (packet type 1) or an Enhanced RTMP coded frame."""
    if not body:
        return False, False
    frame_type = (body[0] >> 4) & 0x7
    if body[0] & 0x80:
        return (body[0] & 0x0F) in (1, 3), frame_type == 1
    return len(body) > 1 and body[1] == 1, frame_type == 1


def wait_hls(url, deadline):
    """Polls every 10 ms until the playlist lists a segment and that segment answers 200."""
    while time.monotonic() < deadline:
        try:
            text = urllib.request.urlopen(url, timeout=2).read().decode()
            segs = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("#")]
            if segs:
                seg = urllib.parse.urljoin(url, segs[0])
                if seg.endswith(".m3u8"):  # a master playlist: follow the first variant
                    url = seg
                    continue
                urllib.request.urlopen(seg, timeout=2).read()
                return True
        except Exception:
            pass
        time.sleep(0.01)
    return False


def play_latency(rtmp, name, deadline):
    u = urllib.parse.urlparse(rtmp)
    p = Player(u.hostname, u.port or 1935, u.path.strip("/"), deadline)
    try:
        t0 = time.monotonic()
        p.play(name)
        first = key = None
        while key is None:
            t, _, body = p.message()
            if t != 9:
                continue
            coded, keyframe = is_coded_video(body)
            if coded and first is None:
                first = time.monotonic() - t0
            if coded and keyframe:
                key = time.monotonic() - t0
        return first, key
    finally:
        p.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtmp", required=True, help="rtmp://127.0.0.1:PORT/APP")
    ap.add_argument("--hls-url", required=True, help="the playlist URL, {name} for the stream name")
    ap.add_argument("--flv", required=True)
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--settle", type=float, default=4.0, help="seconds a stream runs before the play trial")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    hls, play_first, play_key, failures = [], [], [], 0
    for k in range(a.trials):
        name = f"lat{k}_{random.randrange(1 << 30)}"
        t0 = time.monotonic()
        pub = subprocess.Popen(["ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", a.flv, "-c", "copy", "-f", "flv",
                                f"{a.rtmp}/{name}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if wait_hls(a.hls_url.format(name=name), t0 + 30):
                hls.append(time.monotonic() - t0)
            else:
                failures += 1
            time.sleep(max(0.0, a.settle - (time.monotonic() - t0)))
            try:
                first, key = play_latency(a.rtmp, name, time.monotonic() + 15)
                play_first.append(first)
                play_key.append(key)
            except Exception:
                failures += 1
        finally:
            pub.kill()
            pub.wait()

    def ms(values):
        return {"median": round(statistics.median(values) * 1000, 1), "min": round(min(values) * 1000, 1), "max": round(max(values) * 1000, 1)} if values else None

    json.dump({"trials": a.trials, "failures": failures, "publish_to_hls_ms": ms(hls), "play_to_first_frame_ms": ms(play_first),
               "play_to_first_keyframe_ms": ms(play_key), "load": os.getloadavg()[0]}, open(a.out, "w"))


if __name__ == "__main__":
    main()
